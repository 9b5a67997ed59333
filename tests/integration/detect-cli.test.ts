import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { placeDetectorFile } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'
import { runCliInProcess } from '../helpers/cli-in-process'

const ROOT = join(__dirname, '..', '..')
const BUILT = existsSync(join(ROOT, 'out', 'main', 'cli.js'))

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** The built bin as a child process when it exists; otherwise the same program in-process. */
async function heirloom(args: string[]): Promise<Run> {
  if (BUILT) {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'heirloom.cjs'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000
    })
    return { code: r.status, stdout: r.stdout, stderr: r.stderr }
  }
  return runCliInProcess(args)
}

describeShared('heirloom detect / crop', () => {
  let dir: string
  let models: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-detect-cli-'))
    models = join(dir, 'models')
    // Offline: the default detector under its manifest file name (byte-identical to the 2023mar download).
    placeDetectorFile(models)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('detect --json prints faces left to right in oriented image pixels; the knob is rejected', async () => {
    const r = await heirloom(['detect', photoPath('gfpgan_old_family_783x1146.png'), '--json', '--models-dir', models])
    expect(r.stderr).not.toMatch(/error/)
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as {
      image: { width: number; height: number }
      faces: { box: number[]; score: number; landmarks: number[][] }[]
    }
    expect(out.image).toEqual({ width: 783, height: 1146 })
    expect(out.faces).toHaveLength(3)
    for (const f of out.faces) {
      expect(f.box).toHaveLength(4)
      expect(f.landmarks).toHaveLength(5)
      expect(f.score).toBeGreaterThanOrEqual(0.8)
    }
    expect(out.faces.map((f) => f.box[0])).toEqual([...out.faces.map((f) => f.box[0])].sort((a, b) => a - b))
  })

  it('detect applies EXIF orientation: coordinates are in oriented pixels', async () => {
    const file = join(dir, 'rot6.jpg')
    // Stored sideways with orientation 6 (display = rotate 90 cw): the oriented image is the upright photo.
    await sharp(photoPath('old_scratched_two_faces_400x256.png'))
      .rotate(-90)
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toFile(file)
    const r = await heirloom(['detect', file, '--json', '--models-dir', models])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as { image: { width: number; height: number }; faces: unknown[] }
    expect(out.image).toEqual({ width: 400, height: 256 })
    expect(out.faces).toHaveLength(2)
  })

  it('detect without --json prints a table; no face is not an error', async () => {
    const r = await heirloom(['detect', photoPath('old_no_face_street_736x1016.png'), '--models-dir', models])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/0 face\(s\)/)
  })

  it('crop writes the aligned 512 crop of face N and a plain aspect crop', async () => {
    const out = join(dir, 'face1.png')
    const r = await heirloom([
      'crop',
      photoPath('old_scratched_two_faces_400x256.png'),
      '--out',
      out,
      '--face',
      '1',
      '--models-dir',
      models
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(await sharp(out).metadata()).toMatchObject({ width: 512, height: 512, format: 'png' })
    const plain = join(dir, 'face0.jpg')
    const p = await heirloom([
      'crop',
      photoPath('old_scratched_two_faces_400x256.png'),
      '--out',
      plain,
      '--aspect',
      '4:5',
      '--margin',
      '0.3',
      '--size',
      '500',
      '--models-dir',
      models
    ])
    expect(p.code).toBe(0)
    expect(await sharp(plain).metadata()).toMatchObject({ width: 400, height: 500, format: 'jpeg' })
    const again = await heirloom([
      'crop',
      photoPath('old_scratched_two_faces_400x256.png'),
      '--out',
      plain,
      '--models-dir',
      models
    ])
    expect(again.code).toBe(5)
    expect(again.stderr).toMatch(/^heirloom: error: /)
  })

  it('bad input: clear error codes, never a crash', async () => {
    const junk = join(dir, 'junk.png')
    writeFileSync(junk, 'not an image at all')
    const truncated = join(dir, 'trunc.jpg')
    const full = await sharp(photoPath('astronaut_512.png')).jpeg().toBuffer()
    writeFileSync(truncated, full.subarray(0, 200))
    const huge = join(dir, 'huge.png')
    // 12000 x 12000 = 144 MP, over the 100 MP default limit; rejected from the header.
    await sharp({ create: { width: 12000, height: 12000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 1 })
      .toFile(huge)
    const cases: [string[], number][] = [
      [['detect', junk], 4],
      [['detect', truncated], 4],
      [['detect', huge], 4],
      [['detect', join(dir, 'missing.png')], 3],
      [['detect', photoPath('astronaut_512.png'), '--min-score', '2'], 2],
      [['crop', photoPath('old_no_face_street_736x1016.png'), '--out', join(dir, 'x.png')], 6],
      [['crop', photoPath('astronaut_512.png'), '--out', join(dir, 'y.png'), '--face', '3'], 2]
    ]
    for (const [args, code] of cases) {
      const r = await heirloom([...args, '--models-dir', models])
      expect(r.code, args.join(' ')).toBe(code)
      expect(r.stderr).toMatch(/^heirloom: error: /)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })
})
