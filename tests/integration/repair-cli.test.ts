/** `heirloom repair`, run in-process on real small photos: outputs, --json, and every bad-input rule of issue 15. */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { lamaStandIn } from '../fixtures/lama-graphs'
import { runCliInProcess } from '../helpers/cli-in-process'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

const PHOTO = 'old_scratched_boy_256x256.png'

async function pixels(path: string): Promise<Buffer> {
  return sharp(path).removeAlpha().raw().toBuffer()
}

async function maskPng(path: string, w: number, h: number, fill: (x: number, y: number) => boolean): Promise<void> {
  const data = Buffer.alloc(w * h)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = fill(x, y) ? 255 : 0
  await sharp(data, { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toFile(path)
}

describeShared('heirloom repair', () => {
  let dir: string
  let models: string
  let input: string
  const run = (...args: string[]) => runCliInProcess([...args, '--models-dir', models])

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-repair-cli-'))
    models = join(dir, 'models')
    await storeWithDetector(models)
    input = join(dir, PHOTO)
    copyFileSync(photoPath(PHOTO), input)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('auto mask + classic: writes the output and the mask, reports area and regions, leaves the input alone', async () => {
    const before = readFileSync(input)
    const out = join(dir, 'fixed.png')
    const mask = join(dir, 'mask.png')
    const r = await run('repair', input, '--out', out, '--save-mask', mask, '--json')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as {
      mask: { areaPercent: number; pixels: number }
      regions: { kind: string; box: number[]; area: number }[]
      faces: number
      changed: boolean
    }
    // YuNet without FaceMesh verification also takes a crack pattern or two for faces on this tiny scan.
    expect(j.faces).toBeGreaterThanOrEqual(1)
    expect(j.mask.areaPercent).toBeGreaterThan(0)
    expect(j.mask.areaPercent).toBeLessThan(60)
    expect(j.regions.length).toBeGreaterThan(0)
    expect(j.changed).toBe(true)
    expect(readFileSync(input).equals(before)).toBe(true)
    // The saved mask is the one used: its non-zero count is the reported pixel count, and pixels changed only there.
    expect((await sharp(mask).metadata()).channels).toBe(1)
    const m = await sharp(mask).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
    const masked = m.data.reduce((n, v) => n + (v ? 1 : 0), 0)
    expect(masked).toBe(j.mask.pixels)
    const a = await pixels(input)
    const b = await pixels(out)
    let changedOutside = 0
    let changedInside = 0
    for (let i = 0; i < m.data.length; i++) {
      const diff = a[i * 3] !== b[i * 3] || a[i * 3 + 1] !== b[i * 3 + 1] || a[i * 3 + 2] !== b[i * 3 + 2]
      if (diff && !m.data[i]) changedOutside++
      if (diff && m.data[i]) changedInside++
    }
    expect(changedOutside).toBe(0)
    expect(changedInside).toBeGreaterThan(0)
  }, 60_000)

  it('a mask of another size is refused clearly; --mask-fit stretch uses it', async () => {
    const mask = join(dir, 'small-mask.png')
    await maskPng(mask, 128, 128, (x, y) => Math.abs(x - y) < 2)
    const r = await run('repair', input, '--out', join(dir, 'a.png'), '--mask', mask)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/mask is 128x128 but the photo is 256x256/)
    expect(existsSync(join(dir, 'a.png'))).toBe(false)
    const s = await run('repair', input, '--out', join(dir, 'b.png'), '--mask', mask, '--mask-fit', 'stretch', '--json')
    expect(s.code).toBe(0)
    expect((JSON.parse(s.stdout) as { mask: { areaPercent: number } }).mask.areaPercent).toBeGreaterThan(1)
  }, 60_000)

  it('an all-black mask: nothing to repair, said plainly, output pixels equal the input', async () => {
    const mask = join(dir, 'black.png')
    await maskPng(mask, 256, 256, () => false)
    const out = join(dir, 'same.png')
    const r = await run('repair', input, '--out', out, '--mask', mask)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/nothing to repair/)
    expect((await pixels(out)).equals(await pixels(input))).toBe(true)
  }, 60_000)

  it('a mask over 60 % of the photo is refused unless --force', async () => {
    const mask = join(dir, 'big.png')
    await maskPng(mask, 256, 256, (_x, y) => y < 180)
    const r = await run('repair', input, '--out', join(dir, 'c.png'), '--mask', mask)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/covers 70\.3 % of the photo \(more than 60 %\)/)
    expect(existsSync(join(dir, 'c.png'))).toBe(false)
    const f = await run('repair', input, '--out', join(dir, 'c.png'), '--mask', mask, '--force')
    expect(f.code).toBe(0)
  }, 60_000)

  it('bad flags and inputs: clear errors, no stack', async () => {
    const s = await run('repair', input, '--out', join(dir, 'd.png'), '--sensitivity', '3')
    expect(s.code).toBe(2)
    expect(s.stderr).toMatch(/--sensitivity must be a number between 0 and 1/)
    const n = await run('repair', join(dir, 'nope.png'), '--out', join(dir, 'e.png'))
    expect(n.code).toBe(3)
    const w = await run('repair', input, '--out', input, '--overwrite')
    expect(w.code).toBe(2)
    expect(w.stderr).toMatch(/Refusing to overwrite the original photo/)
    const before = readFileSync(input)
    const m = await run('repair', input, '--out', join(dir, 'g.png'), '--save-mask', input, '--overwrite')
    expect(m.code).toBe(2)
    expect(m.stderr).toMatch(/--save-mask must name a file other than the photo/)
    expect(readFileSync(input).equals(before)).toBe(true)
    for (const e of [s, n, w, m]) expect(e.stderr).not.toMatch(/\n\s+at /)
  }, 60_000)

  it('lama through stand-ins of the published contract: by name, renamed (by position) and mask listed first', async () => {
    const mask = join(dir, 'line.png')
    await maskPng(mask, 256, 256, (x, y) => Math.abs(x - 2 * y + 40) < 3)
    const variants = {
      published: lamaStandIn(),
      renamed: lamaStandIn({ names: { image: 'input_image', mask: 'input_mask', output: 'inpainted' } }),
      maskFirst: lamaStandIn({ names: { image: 'img', mask: 'msk', output: 'out' }, maskFirst: true })
    }
    const results: Buffer[] = []
    for (const [name, bytes] of Object.entries(variants)) {
      const file = join(dir, `${name}.onnx`)
      writeFileSync(file, bytes)
      const out = join(dir, `lama-${name}.png`)
      const r = await run('repair', input, '--out', out, '--mask', mask, '--method', 'lama', '--model-file', file)
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      results.push(await pixels(out))
    }
    // The same fill whatever the names or order: binding found image and mask every time.
    expect(results[1].equals(results[0])).toBe(true)
    expect(results[2].equals(results[0])).toBe(true)
    expect(results[0].equals(await pixels(input))).toBe(false)
    // Without the model installed (and no network here): a clear model error naming it, with how to get it.
    const m = await runCliInProcess([
      'repair',
      input,
      '--out',
      join(dir, 'f.png'),
      '--mask',
      mask,
      '--method',
      'lama',
      '--models-dir',
      join(dir, 'empty-models')
    ])
    expect([7, 9]).toContain(m.code)
    expect(m.stderr).toMatch(/heirloom models (fetch|import) lama-2025jan/)
    expect(m.stderr).not.toMatch(/\n\s+at /)
  }, 120_000)

  it('a folder: journaled, mirrored, resumable', async () => {
    const src = join(dir, 'in')
    mkdirSync(join(src, 'sub'), { recursive: true })
    copyFileSync(photoPath(PHOTO), join(src, 'a.png'))
    copyFileSync(photoPath('old_scratched_two_faces_400x256.png'), join(src, 'sub', 'b.png'))
    const out = join(dir, 'out')
    const r = await run('repair', src, '--out', out, '--recursive', '--json')
    expect(r.code).toBe(0)
    const rep = JSON.parse(r.stdout) as { ok: number; total: number }
    expect(rep).toMatchObject({ ok: 2, total: 2 })
    expect(existsSync(join(out, 'sub', 'b.png'))).toBe(true)
    const again = await run('repair', src, '--out', out, '--recursive', '--resume', '--json')
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ skipped: 2, ok: 0 })
  }, 120_000)
})
