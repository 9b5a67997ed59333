import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { EXIT_CODES } from '../../src/shared/errors'
import { SOME_FAILED_EXIT } from '../../src/main/cli/exit'
import { decodePhoto } from '../../src/main/core/image/decode'
import { rgbToLab } from '../../src/main/core/stages/color/lab'
import { isTonedMonochrome } from '../../src/main/core/stages/color/tone'
import { ddcolorLike } from '../fixtures/color-graphs'
import { runCliInProcess } from '../helpers/cli-in-process'
import { describeShared, photoPath } from '../helpers/shared-assets'

let dir: string
let model: string
const cli = (args: string[]) => runCliInProcess([...args, '--models-dir', join(dir, 'models'), '--provider', 'cpu'])

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'heirloom-color-cli-'))
  model = join(dir, 'ddcolor-standin.onnx')
  writeFileSync(model, ddcolorLike())
  // Small copies keep the test light: a gray and a colour photo.
  mkdirSync(join(dir, 'in', 'sub'), { recursive: true })
  await sharp(photoPath('camera_gray8_512.png'))
    .resize(160)
    .toFile(join(dir, 'in', 'gray.png'))
  await sharp(photoPath('old_scratched_boy_256x256.png'))
    .resize(120)
    .grayscale()
    .toFile(join(dir, 'in', 'sub', 'boy.png'))
  await sharp(photoPath('astronaut_512.png')).resize(128).toFile(join(dir, 'colour.png'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describeShared('heirloom color', () => {
  it('colourises a gray photo with a stand-in model file: colour output, same L, provenance says so', async () => {
    const out = join(dir, 'gray-colour.png')
    const input = join(dir, 'in', 'gray.png')
    const r = await cli([
      'color',
      input,
      '--out',
      out,
      '--fade',
      'none',
      '--model-file',
      model,
      '--model-family',
      'ddcolor',
      '--json'
    ])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.colorize).toMatchObject({ family: 'ddcolor', renderSize: 256, blend: 1 })
    expect(j.grayscale).toBe(false)
    const before = await decodePhoto(input)
    const after = await decodePhoto(out)
    expect(after.grayscale).toBe(false)
    const n = before.image.width * before.image.height
    const l0 = rgbToLab(before.image.data, n).L
    const l1 = rgbToLab(after.image.data, n).L
    let max = 0
    for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(l0[i] - l1[i]))
    expect(max).toBeLessThan(1)
    expect(readFileSync(out).includes(Buffer.from('colorize'))).toBe(true)
  })

  it('a colour photo sent to colourise: says so, writes nothing, unless --force', async () => {
    const out = join(dir, 'colour-out.png')
    const r = await cli([
      'color',
      join(dir, 'colour.png'),
      '--out',
      out,
      '--model-file',
      model,
      '--model-family',
      'ddcolor'
    ])
    expect(r.code).toBe(EXIT_CODES.INVALID_REQUEST)
    expect(r.stderr).toMatch(/already in colour.*--force/)
    expect(existsSync(out)).toBe(false)
    const forced = await cli([
      'color',
      join(dir, 'colour.png'),
      '--out',
      out,
      '--model-file',
      model,
      '--model-family',
      'ddcolor',
      '--force'
    ])
    expect(forced.code, forced.stderr).toBe(0)
    expect(existsSync(out)).toBe(true)
  })

  it('a sepia print counts as black and white: it is colourised without --force', async () => {
    const out = join(dir, 'sepia-colour.png')
    const r = await cli([
      'color',
      photoPath('old_scratched_boy_256x256.png'),
      '--out',
      out,
      '--model-file',
      model,
      '--model-family',
      'ddcolor',
      '--json'
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ toned: true, grayscale: false })
  })

  it('fade correction of a gray photo keeps it a one-channel grayscale file', async () => {
    const out = join(dir, 'gray-fade.png')
    const r = await cli(['color', join(dir, 'in', 'gray.png'), '--out', out])
    expect(r.code, r.stderr).toBe(0)
    expect((await sharp(out).metadata()).channels).toBe(1)
  })

  it('bad flags are clear errors', async () => {
    const input = join(dir, 'in', 'gray.png')
    for (const args of [
      ['--strength', '2'],
      ['--blend', '-1'],
      ['--render-size', '100', '--colorize', 'ddcolor'],
      ['--blend', '0.5'],
      ['--model-file', model],
      ['--fade', 'none'],
      ['--fade', 'none', '--keep-tone', '--colorize', 'ddcolor'],
      ['--resume']
    ]) {
      const r = await cli(['color', input, '--out', join(dir, 'never.png'), ...args])
      expect(r.code, args.join(' ')).toBe(EXIT_CODES.INVALID_REQUEST)
      expect(r.stderr).toMatch(/^heirloom: error: /)
    }
    expect(existsSync(join(dir, 'never.png'))).toBe(false)
  })

  it('a folder goes through the journaled batch engine: recursive, and --resume skips finished photos', async () => {
    const out = join(dir, 'out-folder')
    const args = [
      'color',
      join(dir, 'in'),
      '--out',
      out,
      '--recursive',
      '--model-file',
      model,
      '--model-family',
      'ddcolor',
      '--json'
    ]
    const first = await cli(args)
    expect(first.code, first.stderr + first.stdout).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ total: 2, ok: 2, errors: 0 })
    expect(existsSync(join(out, 'sub', 'boy.png'))).toBe(true)
    const again = await cli([...args, '--resume'])
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ total: 2, ok: 0, skipped: 2 })
  })

  it('in a folder, a colour photo is a failed row that says it is already in colour', async () => {
    mkdirSync(join(dir, 'mixed'), { recursive: true })
    writeFileSync(join(dir, 'mixed', 'colour.png'), readFileSync(join(dir, 'colour.png')))
    writeFileSync(join(dir, 'mixed', 'gray.png'), readFileSync(join(dir, 'in', 'gray.png')))
    const r = await cli([
      'color',
      join(dir, 'mixed'),
      '--out',
      join(dir, 'mixed-out'),
      '--model-file',
      model,
      '--model-family',
      'ddcolor',
      '--json'
    ])
    // The folder ran to the end with one photo refused: the "some photos failed" exit code.
    expect(r.code).toBe(SOME_FAILED_EXIT)
    const report = JSON.parse(r.stdout)
    expect(report).toMatchObject({ total: 2, ok: 1, errors: 1 })
    expect(report.files.find((f: { file: string }) => f.file === 'colour.png')).toMatchObject({
      reason: 'already-colour'
    })
    expect(existsSync(join(dir, 'mixed-out', 'colour.png'))).toBe(false)
  })
})

describeShared('toned black-and-white vs colour (which photos colourise without --force)', () => {
  it('the sepia scans are toned monochrome; the colour photos, even faded ones and an autochrome, are not', async () => {
    const verdict = async (name: string): Promise<boolean> =>
      isTonedMonochrome((await decodePhoto(photoPath(name))).image)
    for (const toned of [
      'old_scratched_boy_256x256.png',
      'old_scratched_woman_496x624.png',
      'old_scratched_two_faces_400x256.png'
    ])
      expect(await verdict(toned), toned).toBe(true)
    for (const colour of [
      'old_faded_boy_glasses_298x450.png',
      'old_no_face_street_736x1016.png',
      'astronaut_512.png',
      'gfpgan_aligned512_Adele.png'
    ])
      expect(await verdict(colour), colour).toBe(false)
  })
})
