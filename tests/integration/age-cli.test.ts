import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { decodePhoto } from '../../src/main/core/image/decode'
import { runCliInProcess } from '../helpers/cli-in-process'
import { placeDetectorFile } from '../helpers/models-dir'
import { describeShared, modelPath, photoPath } from '../helpers/shared-assets'
import {
  blockEncoderGraph,
  blockGeneratorGraph,
  halfMappingGraph,
  styleganexGraph,
  writeGraphFile
} from '../fixtures/age-graphs'

let root: string
let modelsDir: string
const f = (name: string) => join(root, name)

interface AgeJson {
  route: string
  faces: { box: number[]; aged: boolean; applied: { route: string; editFactor?: number } | null }[]
}

/** Runs the CLI in-process against this file's models dir; returns exit code, stdout and stderr. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCliInProcess([...args, '--models-dir', modelsDir, '--provider', 'cpu'])
  return { code: r.code, out: r.stdout, err: r.stderr }
}

describeShared('heirloom age / generate (CLI, stand-in graphs)', () => {
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'heirloom-age-cli-'))
    modelsDir = join(root, 'models')
    // The default detector, installed offline (yunet_s_640_640 is byte-identical to yunet-2023mar).
    placeDetectorFile(modelsDir)
    writeGraphFile(root, 'enc.onnx', blockEncoderGraph())
    writeGraphFile(root, 'gen.onnx', blockGeneratorGraph())
    writeGraphFile(root, 'sx.onnx', styleganexGraph())
    writeGraphFile(root, 'map.onnx', halfMappingGraph())
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  const latentFlags = () => [
    '--encoder-file',
    f('enc.onnx'),
    '--generator-file',
    f('gen.onnx'),
    '--direction-file',
    modelPath('e4e_age_direction.npy'),
    '--verify',
    'never'
  ]

  it('ages one face of a two-face photo; the other face is untouched', async () => {
    const input = photoPath('old_scratched_two_faces_400x256.png')
    const out = f('aged.png')
    const r = await cli('age', input, '--out', out, '--faces', '1', '--edit-factor', '3', ...latentFlags(), '--json')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(r.out) as AgeJson
    expect(report.route).toBe('latent')
    expect(report.faces).toHaveLength(2)
    expect(report.faces.map((x) => x.aged)).toEqual([false, true])
    expect(report.faces[1].applied).toMatchObject({ route: 'latent', editFactor: 3 })
    const a = (await decodePhoto(input)).image
    const b = (await decodePhoto(out)).image
    const diffIn = (box: number[]) => {
      let d = 0
      for (let y = Math.max(0, Math.round(box[1])); y < Math.min(a.height, box[1] + box[3]); y++)
        for (let x = Math.max(0, Math.round(box[0])); x < Math.min(a.width, box[0] + box[2]); x++)
          for (let c = 0; c < 3; c++)
            d = Math.max(d, Math.abs(a.data[(y * a.width + x) * 3 + c] - b.data[(y * a.width + x) * 3 + c]))
      return d
    }
    expect(diffIn(report.faces[1].box)).toBeGreaterThan(10)
    // The faces touch; face 1's paste region (centre 80 % of its FFHQ quad, ~x 156..278) ends well right of the
    // left half of face 0's box, which must be bit-identical; so must everything right of face 1.
    const [x0, y0, , h0] = report.faces[0].box
    expect(x0).toBeLessThan(110)
    expect(diffIn([x0, y0, 40, h0])).toBe(0)
    expect(diffIn([300, 0, 100, 256])).toBe(0)
  })

  it('ages a whole folder into a mirrored folder (no-face photos reported), and --resume skips finished photos', async () => {
    const input = f('scans')
    const out = f('aged-folder')
    mkdirSync(join(input, 'family'), { recursive: true })
    copyFileSync(photoPath('old_scratched_boy_256x256.png'), join(input, 'boy.png'))
    copyFileSync(photoPath('old_scratched_two_faces_400x256.png'), join(input, 'family', 'couple.png'))
    copyFileSync(photoPath('old_no_face_street_736x1016.png'), join(input, 'street.png'))
    const flags = ['--age-model-file', f('sx.onnx'), '--age-model-kind', 'styleganex', '--edit-factor', '1']
    const r = await cli('age', input, '--out', out, '--recursive', ...flags, '--json')
    expect(r.code, r.err).toBe(0)
    const report = JSON.parse(r.out) as {
      ok: number
      noFace: number
      files: { file: string; status: string; faces?: number }[]
    }
    expect(report.files.map((x) => [x.file, x.status, x.faces ?? 0])).toEqual([
      ['boy.png', 'ok', 1],
      ['family/couple.png', 'ok', 2],
      ['street.png', 'no-face', 0]
    ])
    for (const name of ['boy.png', 'family/couple.png']) {
      const [a, b] = [await decodePhoto(join(input, name)), await decodePhoto(join(out, name))]
      expect([b.image.width, b.image.height]).toEqual([a.image.width, a.image.height])
      expect(Buffer.compare(Buffer.from(a.image.data), Buffer.from(b.image.data))).not.toBe(0)
    }
    expect(existsSync(join(out, 'street.png'))).toBe(false)
    expect(existsSync(join(out, 'heirloom-batch-report.json'))).toBe(true)
    const again = await cli('age', input, '--out', out, '--recursive', '--resume', ...flags, '--json')
    expect(again.code, again.err).toBe(0)
    const resumed = JSON.parse(again.out) as { skipped: number; ok: number }
    expect([resumed.skipped, resumed.ok]).toEqual([3, 0])
  })

  it('refuses ambiguous or missing amounts, and will not overwrite the output', async () => {
    const input = photoPath('old_scratched_boy_256x256.png')
    const none = await cli('age', input, '--out', f('x.png'), ...latentFlags())
    expect(none.code).toBe(2)
    expect(none.err).toMatch(/^heirloom: error: .*--edit-factor/)
    const two = await cli('age', input, '--out', f('x.png'), '--delta', '5', '--edit-factor', '1', ...latentFlags())
    expect(two.code).toBe(2)
    const ok = await cli('age', input, '--out', f('boy.png'), '--edit-factor', '1', ...latentFlags())
    expect(ok.code).toBe(0)
    expect(ok.out).toMatch(/aged 1 of 1 face/)
    const again = await cli('age', input, '--out', f('boy.png'), '--edit-factor', '1', ...latentFlags())
    expect(again.code).toBe(5)
    expect(again.err).toMatch(/already exists\. Use --overwrite to replace it\.$/m)
  })

  it('wrong model shapes exit with MODEL_CONTRACT (7)', async () => {
    const r = await cli(
      'age',
      photoPath('old_scratched_boy_256x256.png'),
      '--out',
      f('bad.png'),
      '--edit-factor',
      '1',
      '--encoder-file',
      f('gen.onnx'),
      '--generator-file',
      f('gen.onnx'),
      '--direction-file',
      modelPath('e4e_age_direction.npy'),
      '--verify',
      'never'
    )
    expect(r.code).toBe(7)
    expect(r.err).toMatch(/gen\.onnx.*[Ee]xpected/)
  })

  it('StyleGANEX file: --direction-sign flips the direction fed to the model (--edit-factor +1 is older)', async () => {
    const input = photoPath('old_scratched_boy_256x256.png')
    const run = async (sign: string, out: string) => {
      const r = await cli(
        'age',
        input,
        '--out',
        f(out),
        '--edit-factor',
        '1',
        '--age-model-file',
        f('sx.onnx'),
        '--age-model-kind',
        'styleganex',
        '--direction-sign',
        sign,
        '--verify',
        'never',
        '--json'
      )
      expect(r.code).toBe(0)
      return (JSON.parse(r.out) as AgeJson).faces[0].applied!.editFactor!
    }
    const minus = await run('-1', 'sx-minus.png')
    const plus = await run('1', 'sx-plus.png')
    expect(minus).toBeCloseTo(-1, 6)
    expect(plus).toBeCloseTo(1, 6)
  })

  it('generate: MODEL_MISSING without a mapping network; a 1024 face with one', async () => {
    const missing = await cli('generate', '--seed', '3', '--out', f('face.png'))
    expect(missing.code).toBe(7)
    expect(missing.err).toMatch(/mapping network/)
    const ok = await cli(
      'generate',
      '--seed',
      '3',
      '--out',
      f('face.png'),
      '--mapping-file',
      f('map.onnx'),
      '--generator-file',
      f('gen.onnx')
    )
    expect(ok.code).toBe(0)
    expect(existsSync(f('face.png'))).toBe(true)
    const img = (await decodePhoto(f('face.png'))).image
    expect([img.width, img.height]).toEqual([1024, 1024])
  })
})
