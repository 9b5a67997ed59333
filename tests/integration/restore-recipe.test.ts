import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { decodePhoto } from '../../src/main/core/image/decode'
import { rgbToLab } from '../../src/main/core/stages/color/lab'
import { ddcolorLike } from '../fixtures/color-graphs'
import { lamaStandIn } from '../fixtures/lama-graphs'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'
import { runCliInProcess as cli } from '../helpers/cli-in-process'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

/** The XMP provenance note's text (dc:description), where the steps are listed in order. */
async function provenance(file: string): Promise<string> {
  return (await sharp(file).metadata()).xmp?.toString('utf8') ?? ''
}

async function writeMask(path: string, w: number, h: number, fill: (x: number, y: number) => boolean): Promise<void> {
  const data = Buffer.alloc(w * h)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = fill(x, y) ? 255 : 0
  await sharp(data, { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toFile(path)
}

describeShared('heirloom restore --repair / --color (CLI, worker, stand-in restorer + colouriser, real YuNet)', () => {
  let dir: string
  let models: string
  let identity: string
  let colorizer: string
  const boy = photoPath('old_scratched_boy_256x256.png')
  let gray: string
  let colour: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-restore-recipe-'))
    models = join(dir, 'models')
    await storeWithDetector(models, { landmarks: true })
    identity = writeGraph(dir, 'identity.onnx', identityRestorer())
    colorizer = join(dir, 'ddcolor-standin.onnx')
    writeFileSync(colorizer, ddcolorLike())
    gray = join(dir, 'boy-gray.png')
    await sharp(boy).removeAlpha().grayscale().toFile(gray)
    colour = join(dir, 'astronaut.png')
    await sharp(photoPath('astronaut_512.png')).resize(256).toFile(colour)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const restore = (input: string, out: string, ...more: string[]) =>
    cli([
      'restore',
      input,
      '--out',
      out,
      '--model-file',
      identity,
      '--model-kind',
      'gfpgan',
      '--models-dir',
      models,
      '--provider',
      'cpu',
      '--no-credentials',
      ...more
    ])

  it('--repair: repairs, then restores; --json and the provenance list the steps in order', async () => {
    const out = join(dir, 'boy-repaired.png')
    const r = await restore(boy, out, '--repair', '--json')
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.steps.map((s: { op: string }) => s.op)).toEqual(['repair', 'restore'])
    expect(j.steps[0]).toMatchObject({ method: 'classic', mask: 'auto', changed: true })
    expect(j.steps[0].areaPercent).toBeGreaterThan(0)
    expect(j.faces.filter((f: { restored: boolean }) => f.restored)).toHaveLength(1)
    const note = await provenance(out)
    expect(note.indexOf('repair (')).toBeGreaterThan(0)
    expect(note.indexOf('repair (')).toBeLessThan(note.indexOf('restore ('))
    // The repair changed the photo (an identity restorer alone would not).
    const plain = join(dir, 'boy-plain.png')
    expect((await restore(boy, plain)).code).toBe(0)
    const a = await decodePhoto(out)
    const b = await decodePhoto(plain)
    expect(Buffer.compare(Buffer.from(a.image.data), Buffer.from(b.image.data))).not.toBe(0)
  }, 60_000)

  it('--repair-method lama --repair-model-file: a stand-in of the published LaMa contract repairs inside the mask', async () => {
    const lama = writeGraph(dir, 'lama.onnx', lamaStandIn())
    const mask = join(dir, 'lama-mask.png')
    await writeMask(mask, 256, 256, (x, y) => Math.abs(x - 40) < 3 && y > 150)
    const out = join(dir, 'boy-lama.png')
    const r = await restore(
      boy,
      out,
      '--repair-mask',
      mask,
      '--repair-method',
      'lama',
      '--repair-model-file',
      lama,
      '--json'
    )
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).steps[0]).toMatchObject({ op: 'repair', method: 'lama', mask: 'file', changed: true })
    expect(await provenance(out)).toMatch(/repair \(model file-lama\.onnx; method=lama/)
    // Outside the mask's feather and the face, the photo is the plain restore's.
    const plain = join(dir, 'boy-plain-lama.png')
    expect((await restore(boy, plain)).code).toBe(0)
    const a = (await decodePhoto(out)).image
    const b = (await decodePhoto(plain)).image
    let inside = 0
    for (let y = 150; y < 256; y++)
      for (let x = 37; x < 43; x++) inside += Math.abs(a.data[(y * 256 + x) * 3] - b.data[(y * 256 + x) * 3])
    expect(inside).toBeGreaterThan(0)
    for (let y = 0; y < 140; y++)
      for (let x = 200; x < 256; x++) expect(a.data[(y * 256 + x) * 3]).toBe(b.data[(y * 256 + x) * 3])
  }, 60_000)

  it('an all-black --repair-mask: "nothing to repair", the result equals a plain restore', async () => {
    const mask = join(dir, 'black.png')
    await writeMask(mask, 256, 256, () => false)
    const out = join(dir, 'boy-black.png')
    const r = await restore(boy, out, '--repair-mask', mask, '--json')
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.steps[0]).toMatchObject({ op: 'repair', mask: 'file', changed: false, areaPercent: 0 })
    expect(j.notes.join(' ')).toMatch(/nothing to repair/)
    const plain = join(dir, 'boy-plain-2.png')
    expect((await restore(boy, plain)).code).toBe(0)
    const a = await decodePhoto(out)
    const b = await decodePhoto(plain)
    expect(Buffer.compare(Buffer.from(a.image.data), Buffer.from(b.image.data))).toBe(0)
    // Nothing repaired: the provenance names no repair.
    expect(await provenance(out)).not.toContain('repair (')
  }, 60_000)

  it('a mask of another size: clear error and no output; --mask-fit stretch repairs with it', async () => {
    const mask = join(dir, 'small.png')
    await writeMask(mask, 128, 128, (x, y) => Math.abs(x - y) < 2)
    const out = join(dir, 'boy-small-mask.png')
    const r = await restore(boy, out, '--repair-mask', mask)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/mask is 128x128 but the photo is 256x256/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(existsSync(out)).toBe(false)
    const s = await restore(boy, out, '--repair-mask', mask, '--mask-fit', 'stretch', '--json')
    expect(s.code, s.stderr).toBe(0)
    expect(JSON.parse(s.stdout).steps[0]).toMatchObject({ op: 'repair', changed: true })
  }, 60_000)

  it('a mask over 60 % is refused unless --force', async () => {
    const mask = join(dir, 'big.png')
    await writeMask(mask, 256, 256, (_x, y) => y < 200)
    const out = join(dir, 'boy-big-mask.png')
    const r = await restore(boy, out, '--repair-mask', mask)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/covers 78\.1 % of the photo/)
    expect(existsSync(out)).toBe(false)
    const f = await restore(boy, out, '--repair-mask', mask, '--force', '--json')
    expect(f.code, f.stderr).toBe(0)
    expect(JSON.parse(f.stdout).steps[0]).toMatchObject({ op: 'repair', changed: true, areaPercent: 78.13 })
  }, 60_000)

  it('a colour photo sent to colourise: "already in colour", nothing written unless --force', async () => {
    const out = join(dir, 'astronaut-out.png')
    const args = ['--colorize-file', colorizer, '--colorize-family', 'ddcolor']
    const r = await restore(colour, out, ...args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/already in colour/)
    expect(existsSync(out)).toBe(false)
    // Colourising after restoration is refused the same way, before any restore time.
    const a = await restore(colour, out, ...args, '--colorize-after', '--json')
    expect(a.code).toBe(2)
    expect(a.stderr).toMatch(/already in colour/)
    expect(existsSync(out)).toBe(false)
    const f = await restore(colour, out, ...args, '--force', '--json')
    expect(f.code, f.stderr).toBe(0)
    expect(JSON.parse(f.stdout).steps.map((s: { op: string }) => s.op)).toEqual(['color', 'restore'])
  }, 60_000)

  it('grayscale stays grayscale with --color (fade only); colourising makes colour and says so', async () => {
    const fadeOut = join(dir, 'gray-fade.png')
    const r = await restore(gray, fadeOut, '--color', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).steps[0]).toMatchObject({ op: 'color', grayscale: true })
    expect((await decodePhoto(fadeOut)).grayscale).toBe(true)
    expect((await sharp(fadeOut).metadata()).channels).toBe(1)

    const colOut = join(dir, 'gray-colour.png')
    const c = await restore(
      gray,
      colOut,
      '--repair',
      '--colorize-file',
      colorizer,
      '--colorize-family',
      'ddcolor',
      '--json'
    )
    expect(c.code, c.stderr).toBe(0)
    const j = JSON.parse(c.stdout)
    expect(j.steps.map((s: { op: string }) => s.op)).toEqual(['repair', 'color', 'restore'])
    expect(j.steps[1]).toMatchObject({ grayscale: false, colorize: { renderSize: 256, blend: 1 } })
    expect(j.notes.join(' ')).toMatch(/colours are generated by a model/)
    const after = await decodePhoto(colOut)
    expect(after.grayscale).toBe(false)
    const note = await provenance(colOut)
    expect(note).toContain('colours generated by a model')
    expect(note.indexOf('repair (')).toBeLessThan(note.indexOf('colorize ('))
    expect(note.indexOf('colorize (')).toBeLessThan(note.indexOf('restore ('))
  }, 90_000)

  it('--colorize-after: restores the gray photo, then colourises it; the photo keeps its own lightness', async () => {
    const out = join(dir, 'gray-after.png')
    const r = await restore(
      gray,
      out,
      '--colorize-file',
      colorizer,
      '--colorize-family',
      'ddcolor',
      '--fade',
      'none',
      '--colorize-after',
      '--json'
    )
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.steps.map((s: { op: string }) => s.op)).toEqual(['restore', 'color'])
    const note = await provenance(out)
    expect(note.indexOf('restore (')).toBeLessThan(note.indexOf('colorize ('))
    // Identity restorer: the restored gray photo is the original up to paste-back rounding, and colourising keeps L.
    const before = await decodePhoto(gray)
    const after = await decodePhoto(out)
    expect(after.grayscale).toBe(false)
    const n = before.image.width * before.image.height
    const l0 = rgbToLab(before.image.data, n).L
    const l1 = rgbToLab(after.image.data, n).L
    let sum = 0
    for (let i = 0; i < n; i++) sum += Math.abs(l0[i] - l1[i])
    expect(sum / n).toBeLessThan(1)
  }, 90_000)

  it('bad flag combinations are refused before any work', async () => {
    const out = join(dir, 'never.png')
    const cases: [string[], RegExp][] = [
      [['--colorize-after'], /--colorize-after needs --colorize/],
      [['--mask-fit', 'stretch'], /--mask-fit applies with --repair-mask/],
      [['--force'], /--force applies with --repair/],
      [['--fade', 'none'], /Nothing to do in the colour step/],
      [['--fade', 'none', '--color-strength', '0.5'], /--color-strength and --keep-tone apply to fade correction/],
      [['--colorize-file', colorizer], /--colorize-file needs --colorize-family/],
      [['--repair', '--blend', '0.5'], /--render-size, --blend apply with --colorize/]
    ]
    for (const [flags, words] of cases) {
      const r = await restore(boy, out, ...flags)
      expect(r.code, flags.join(' ')).toBe(2)
      expect(r.stderr, flags.join(' ')).toMatch(words)
    }
    expect(existsSync(out)).toBe(false)
  }, 60_000)

  it('batch --repair --color: every photo done; --resume skips them, a changed recipe redoes them', async () => {
    const input = join(dir, 'batch-in')
    const output = join(dir, 'batch-out')
    mkdirSync(input)
    await sharp(boy).toFile(join(input, 'boy.png'))
    await sharp(gray).toFile(join(input, 'gray.png'))
    const batch = (...more: string[]) =>
      cli([
        'batch',
        input,
        '--out',
        output,
        '--model-file',
        identity,
        '--model-kind',
        'gfpgan',
        '--models-dir',
        models,
        '--provider',
        'cpu',
        '--no-credentials',
        '--json',
        ...more
      ])
    const first = await batch('--repair', '--color')
    expect(first.code, first.stderr).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ total: 2, ok: 2 })
    expect(await provenance(join(output, 'boy.png'))).toMatch(/repair \(.*color-fade.*restore \(/s)
    const again = await batch('--repair', '--color', '--resume')
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ total: 2, skipped: 2 })
    // Another recipe (a different repair sensitivity): both photos are redone.
    const changed = await batch('--repair', '--repair-sensitivity', '0.8', '--color', '--resume', '--overwrite')
    expect(changed.code, changed.stderr).toBe(0)
    expect(JSON.parse(changed.stdout)).toMatchObject({ total: 2, ok: 2, skipped: 0 })
    // A mask file fits one photo, not a folder.
    const m = await batch('--repair-mask', join(dir, 'black.png'))
    expect(m.code).toBe(2)
    expect(m.stderr).toMatch(/automatic mask/)
  }, 120_000)
})
