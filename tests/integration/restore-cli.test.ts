import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { decodePhoto } from '../../src/main/core/image/decode'
import { identityRestorer, negateRestorer, writeGraph } from '../fixtures/model-graphs'
import { runCliInProcess as cli } from '../helpers/cli-in-process'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex')

describeShared('heirloom restore (CLI, worker thread, stand-in restorer, real YuNet)', () => {
  let dir: string
  let models: string
  let identity: string
  let negate: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-restore-cli-'))
    models = join(dir, 'models')
    await storeWithDetector(models, { landmarks: true })
    identity = writeGraph(dir, 'identity.onnx', identityRestorer())
    negate = writeGraph(dir, 'negate.onnx', negateRestorer())
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const base = (): string[] => ['--models-dir', models, '--provider', 'cpu']

  it('restores every face, prints boxes/model/provider/timings as JSON, keeps the original and adds provenance', async () => {
    const input = photoPath('gfpgan_old_family_783x1146.png')
    const before = sha(input)
    const out = join(dir, 'family.png')
    const r = await cli([
      'restore',
      input,
      '--out',
      out,
      '--model-file',
      identity,
      '--model-kind',
      'gfpgan',
      '--json',
      ...base()
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as {
      model: { id: string; provider: string; fidelity: unknown }
      faces: { box: number[]; restored: boolean; timings: Record<string, number> }[]
      timings: Record<string, number>
    }
    expect(j.model).toEqual({ id: 'file-identity.onnx', provider: 'cpu', fidelity: 'fixed' })
    expect(j.faces.length).toBe(3)
    expect(j.faces.every((f) => f.restored && f.box.length === 4 && f.timings.model >= 0)).toBe(true)
    expect(j.timings.total).toBeGreaterThan(0)
    expect(sha(input)).toBe(before)
    const a = (await decodePhoto(out)).image
    const b = (await decodePhoto(input)).image
    let se = 0
    for (let i = 0; i < a.data.length; i++) se += (a.data[i] - b.data[i]) ** 2
    const psnr = 10 * Math.log10((255 * 255) / (se / a.data.length))
    expect(psnr).toBeGreaterThanOrEqual(40)
    const meta = await sharp(out).metadata()
    const xmp = meta.xmp?.toString('utf8') ?? ''
    expect(xmp).toContain('restore')
    expect(xmp).toContain('file-identity.onnx')

    // Never over an existing output without --overwrite; never over the input at all.
    const again = await cli([
      'restore',
      input,
      '--out',
      out,
      '--model-file',
      identity,
      '--model-kind',
      'gfpgan',
      ...base()
    ])
    expect(again.code).toBe(5)
    expect(again.stderr).toMatch(/^heirloom: error: /)
    const overInput = await cli([
      'restore',
      input,
      '--out',
      input,
      '--model-file',
      identity,
      '--model-kind',
      'gfpgan',
      '--overwrite',
      ...base()
    ])
    expect(overInput.code).not.toBe(0)
    expect(sha(input)).toBe(before)
  }, 120_000)

  it('chosen faces only, upscale x2, bad options give clear errors', async () => {
    const input = photoPath('old_scratched_two_faces_400x256.png')
    const out = join(dir, 'two.jpg')
    const r = await cli([
      'restore',
      input,
      '--out',
      out,
      '--model-file',
      negate,
      '--model-kind',
      'gfpgan',
      '--faces',
      '1',
      '--upscale',
      '2',
      '--strength',
      '1',
      '--json',
      ...base()
    ])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as { faces: { restored: boolean }[]; outputImage: { width: number; height: number } }
    expect(j.faces.map((f) => f.restored)).toEqual([false, true])
    expect(j.outputImage).toEqual({ width: 800, height: 512 })
    const meta = await sharp(out).metadata()
    expect([meta.width, meta.height]).toEqual([800, 512])

    const bad = await cli([
      'restore',
      input,
      '--out',
      join(dir, 'x.png'),
      '--model-file',
      identity,
      '--model-kind',
      'gfpgan',
      '--faces',
      '7',
      ...base()
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/Face 7 does not exist/)
    const noKind = await cli(['restore', input, '--out', join(dir, 'y.png'), '--model-file', identity, ...base()])
    expect(noKind.code).toBe(2)
    const strength = await cli([
      'restore',
      input,
      '--out',
      join(dir, 'z.png'),
      '--model-file',
      identity,
      '--model-kind',
      'gfpgan',
      '--strength',
      '3',
      ...base()
    ])
    expect(strength.code).toBe(2)
    expect(existsSync(join(dir, 'x.png')) || existsSync(join(dir, 'y.png')) || existsSync(join(dir, 'z.png'))).toBe(
      false
    )
    const noFace = await cli([
      'restore',
      photoPath('old_no_face_street_736x1016.png'),
      '--out',
      join(dir, 'street.png'),
      '--model-file',
      identity,
      '--model-kind',
      'gfpgan',
      ...base()
    ])
    expect(noFace.code).toBe(6)
  }, 120_000)
})
