/**
 * Stand-ins shaped like the PUBLISHED exports (not like our manifest) through the real runtime, the CLI (which runs
 * its pipeline in the worker thread) and the app's pipeline worker: StyleGANEX's 4x output under a numeric name,
 * Real-ESRGAN x2 needing even sizes with a differently named output, ailia's FaceMesh, SAM without its companions.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BoxXYWH } from '../../src/shared/faces'
import { createEngine } from '../../src/main/core/engine'
import { applyAffine, invertAffine } from '../../src/main/core/geometry/affine'
import { decodePhoto } from '../../src/main/core/image/decode'
import type { RgbImage } from '../../src/main/core/image/types'
import { ModelStore } from '../../src/main/core/models/store'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import { faceMeshCropAffine, faceMeshOnBox } from '../../src/main/core/stages/detect/facemesh'
import { upscaleWithModel } from '../../src/main/core/stages/upscale/background'
import { PipelineWorkerClient } from '../../src/main/worker/client'
import {
  blockEncoderGraph,
  blockGeneratorGraph,
  samBlockEncoderGraph,
  styleganexGraph,
  styleganexPublishedGraph,
  writeGraphFile,
  writeNpy
} from '../fixtures/age-graphs'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'
import {
  ailiaFaceMeshLike,
  MESH_LOGIT_BIAS,
  MESH_LOGIT_GAIN,
  mediapipeFaceMeshLike,
  meshPixels,
  realEsrganX2Like
} from '../fixtures/published-graphs'
import { runCliInProcess } from '../helpers/cli-in-process'
import { goldenFaces } from '../helpers/golden-faces'
import { placeDetectorFile } from '../helpers/models-dir'
import { describeShared, modelPath, photoPath } from '../helpers/shared-assets'

const TWO_FACES = 'old_scratched_two_faces_400x256.png'
const FAMILY = 'gfpgan_old_family_783x1146.png' // odd width: the x2 upscaler needs padding

function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2
  const mse = se / a.length
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse)
}

function nearest2x(img: RgbImage): Uint8Array {
  const out = new Uint8Array(img.width * 2 * img.height * 2 * 3)
  for (let y = 0; y < img.height * 2; y++)
    for (let x = 0; x < img.width * 2; x++)
      for (let c = 0; c < 3; c++)
        out[(y * img.width * 2 + x) * 3 + c] = img.data[((y >> 1) * img.width + (x >> 1)) * 3 + c]!
  return out
}

/** The five points the mesh stand-ins put on the crop, as FaceMesh's decoder reduces them, in image pixels. */
function expectedMeshPoints(box: BoxXYWH): [number, number][] {
  const p = meshPixels()
  const mean = (idx: number[]): [number, number] => [
    idx.reduce((s, i) => s + p[3 * i], 0) / idx.length,
    idx.reduce((s, i) => s + p[3 * i + 1], 0) / idx.length
  ]
  const right = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246]
  const left = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466]
  const crop: [number, number][] = [mean(right), mean(left), mean([1]), mean([61]), mean([291])]
  const back = invertAffine(faceMeshCropAffine(box, 0))
  return crop.map((q) => applyAffine(back, q))
}

describeShared('published exports: StyleGANEX 4x, Real-ESRGAN x2 (even sizes), ailia FaceMesh, SAM', () => {
  let root: string
  let models: string
  let client: PipelineWorkerClient
  const f = (name: string): string => join(root, name)
  const cli = (...args: string[]) => runCliInProcess([...args, '--models-dir', models, '--provider', 'cpu'])

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'heirloom-published-'))
    models = f('models')
    placeDetectorFile(models)
    writeGraphFile(root, 'styleganex_age.onnx', styleganexPublishedGraph())
    writeGraphFile(root, 'sx1024.onnx', styleganexGraph())
    writeGraph(root, 'real_esrgan_x2.onnx', realEsrganX2Like())
    writeGraph(root, 'facemesh_ailia.onnx', ailiaFaceMeshLike())
    writeGraph(root, 'facemesh_mediapipe.onnx', mediapipeFaceMeshLike())
    writeGraph(root, 'identity.onnx', identityRestorer())
    writeGraphFile(root, 'sam.onnx', samBlockEncoderGraph())
    writeGraphFile(root, 'psp.onnx', blockEncoderGraph())
    writeGraphFile(root, 'gen.onnx', blockGeneratorGraph())
    writeNpy(f('avg.npy'), [18, 512], new Float32Array(18 * 512))
    // The x2 stand-in installed under the manifest id: its contract says `input` -> `output`, the file says
    // `image` -> `1895`; the import checks it, and the engine binds it by position.
    const store = new ModelStore({ dir: models })
    await store.importFile('real-esrgan-x2plus', f('real_esrgan_x2.onnx'))
    await store.importFile('facemesh-468', f('facemesh_ailia.onnx'))
    await store.importFile('ultraface-rfb-320', modelPath('ultraface_version-RFB-320.onnx'))
    client = PipelineWorkerClient.start({ modelsDir: models, provider: 'cpu' })
  })
  afterAll(async () => {
    await client?.close()
    rmSync(root, { recursive: true, force: true })
  })

  it('StyleGANEX: the published 1536 output (numeric name) ages through the CLI like a 1024 one', async () => {
    const input = photoPath(TWO_FACES)
    const orig = (await decodePhoto(input)).image
    // --edit-factor is the raw `direction`; 0 makes both stand-ins give back the 384 crop, upsampled.
    const opts = ['--edit-factor', '0', '--verify', 'never']
    const r1536 = await cli(
      'age',
      input,
      '--out',
      f('sx1536.png'),
      '--age-model-file',
      f('styleganex_age.onnx'),
      '--age-model-kind',
      'styleganex',
      ...opts,
      '--json'
    )
    expect(r1536.code).toBe(0)
    const j = JSON.parse(r1536.stdout) as { route: string; faces: { aged: boolean }[] }
    expect(j.route).toBe('styleganex')
    expect(j.faces.filter((x) => x.aged).length).toBe(2)
    const a = (await decodePhoto(f('sx1536.png'))).image
    const r1024 = await cli(
      'age',
      input,
      '--out',
      f('sx1024b.png'),
      '--age-model-file',
      f('sx1024.onnx'),
      '--age-model-kind',
      'styleganex',
      ...opts
    )
    expect(r1024.code).toBe(0)
    const c = (await decodePhoto(f('sx1024b.png'))).image
    // Direction 0 round-trips the faces whatever the output size; the 1536 one (area-shrunk) matches the
    // 1024 one (Lanczos) closely.
    expect(psnr(a.data, orig.data)).toBeGreaterThan(30)
    expect(psnr(a.data, c.data)).toBeGreaterThan(35)
  })

  it('StyleGANEX: the published 1536 output through the app worker (ageFaces), one layer per face', async () => {
    const s = await client.call('open', { input: photoPath(FAMILY), faces: goldenFaces(FAMILY, 'user') })
    const aged = await client.call('ageFaces', {
      sessionId: s.sessionId,
      choice: { ageModelFile: f('styleganex_age.onnx'), ageModelKind: 'styleganex' },
      amount: { kind: 'factor', k: 1 },
      options: { strength: 1 }
    })
    expect(aged.layers.map((l) => [l.op, l.faceIndex])).toEqual([
      ['age', 0],
      ['age', 1],
      ['age', 2]
    ])
    await client.call('close', { sessionId: s.sessionId })
  })

  it('Real-ESRGAN x2: positional output, odd image and odd tiles padded to even (exact nearest 2x)', async () => {
    const engine = createEngine({ modelsDir: models, provider: 'cpu' })
    try {
      const loaded = await engine.openModel({ id: 'real-esrgan-x2plus' })
      // The stage asks for the contract's names; the engine binds them to `image` / `1895` by position.
      expect([loaded.session.inputNames, loaded.session.outputNames]).toEqual([['input'], ['output']])
      const w = 101
      const h = 67
      const data = new Uint8Array(w * h * 3)
      for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251
      const img = { width: w, height: h, data }
      // Tile 33 and overlap 5: cores of 33/34 px and inputs of odd sizes, all padded for pixel_unshuffle.
      const up = await upscaleWithModel(loaded, img, 2, { tile: 33, overlap: 5 })
      expect([up.width, up.height]).toEqual([202, 134])
      expect(Buffer.from(up.data).equals(Buffer.from(nearest2x(img)))).toBe(true)
    } finally {
      await engine.dispose()
    }
    // The graph itself refuses odd sizes: the padding above is what made it run.
    const raw = await openSession(f('real_esrgan_x2.onnx'), { provider: 'cpu' })
    await expect(
      raw.run({ image: { type: 'float32', data: new Float32Array(3 * 5 * 6), dims: [1, 3, 5, 6] } })
    ).rejects.toMatchObject({ code: 'MODEL_RUNTIME' })
    await raw.dispose()
  })

  it('Real-ESRGAN x2 through the CLI (restore --upscale 2) and the app worker (compose), odd-width photo', async () => {
    const out = f('family-x2.png')
    const r = await cli(
      'restore',
      photoPath(FAMILY),
      '--out',
      out,
      '--model-file',
      f('identity.onnx'),
      '--model-kind',
      'gfpgan',
      '--upscale',
      '2',
      '--bg-upscaler',
      'real-esrgan-x2plus'
    )
    expect(r.stderr).not.toMatch(/error/)
    expect(r.code).toBe(0)
    const img = (await decodePhoto(out)).image
    expect([img.width, img.height]).toEqual([1566, 2292])

    const s = await client.call('open', { input: photoPath(FAMILY), faces: [] })
    const up = (await client.call('compose', { sessionId: s.sessionId, scale: 2, bgUpscaler: 'real-esrgan-x2plus' }))
      .image
    expect([up.width, up.height]).toEqual([1566, 2292])
    const orig = (await decodePhoto(photoPath(FAMILY))).image
    // The stand-in is an exact nearest 2x: the composed photo is too.
    expect(psnr(up.data, nearest2x(orig))).toBe(Infinity)
    await client.call('close', { sessionId: s.sessionId })
  })

  it('FaceMesh: the ailia export and the MediaPipe one give the same points and confidence', async () => {
    const ailia = await openSession(f('facemesh_ailia.onnx'), { provider: 'cpu' })
    const mp = await openSession(f('facemesh_mediapipe.onnx'), { provider: 'cpu' })
    const img = (await decodePhoto(photoPath(TWO_FACES))).image
    const box: BoxXYWH = [60, 50, 110, 120]
    const a = await faceMeshOnBox(ailia, img, box)
    const m = await faceMeshOnBox(mp, img, box)
    const want = expectedMeshPoints(box)
    for (let i = 0; i < 5; i++) {
      for (let k = 0; k < 2; k++) {
        expect(a.landmarks[i][k]).toBeCloseTo(want[i][k], 3)
        expect(m.landmarks[i][k]).toBeCloseTo(want[i][k], 3)
      }
    }
    // Same confidence only when ailia gets [-1,1] input and its logit goes through a sigmoid.
    expect(a.confidence).toBeCloseTo(m.confidence, 4)
    expect(a.confidence).toBeGreaterThan(0.01)
    expect(a.confidence).toBeLessThan(0.99)
    expect(MESH_LOGIT_GAIN).toBeGreaterThan(MESH_LOGIT_BIAS) // the input scaling moves the confidence a lot
    await ailia.dispose()
    await mp.dispose()
  })

  it('FaceMesh: the ailia export as facemesh-468 gives box-only detections their points (CLI and worker)', async () => {
    const detect = async (dir: string) => {
      const r = await runCliInProcess([
        'detect',
        photoPath(TWO_FACES),
        '--detector',
        'ultraface-rfb-320',
        '--verify',
        'never',
        '--json',
        '--models-dir',
        dir,
        '--provider',
        'cpu'
      ])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      return JSON.parse(r.stdout) as { faces: { box: number[]; landmarks: number[][] }[] }
    }
    const withAilia = await detect(models)
    const other = f('models-mediapipe')
    mkdirSync(other, { recursive: true })
    const store = new ModelStore({ dir: other })
    await store.importFile('facemesh-468', f('facemesh_mediapipe.onnx'))
    await store.importFile('ultraface-rfb-320', modelPath('ultraface_version-RFB-320.onnx'))
    const withMediapipe = await detect(other)
    expect(withAilia.faces.length).toBeGreaterThan(0)
    expect(withAilia.faces.map((x) => x.landmarks)).toEqual(withMediapipe.faces.map((x) => x.landmarks))

    // The app: a box the user draws gets its points from FaceMesh in the worker.
    const s = await client.call('open', { input: photoPath(TWO_FACES), faces: [] })
    const box: BoxXYWH = [60, 50, 110, 120]
    // A box-only detector, so the points come from FaceMesh rather than from YuNet finding the face.
    const drawn = await client.call('addFaceBox', { sessionId: s.sessionId, box, detector: 'ultraface-rfb-320' })
    const lm = drawn.faces[0].landmarks
    expectedMeshPoints(box).forEach((p, i) => {
      expect(lm[i][0]).toBeCloseTo(p[0], 2)
      expect(lm[i][1]).toBeCloseTo(p[1], 2)
    })
    await client.call('close', { sessionId: s.sessionId })
  })

  it('SAM without its pSp encoder and average latent is refused, naming both (CLI and worker)', async () => {
    const base = [
      'age',
      photoPath(TWO_FACES),
      '--out',
      f('sam.png'),
      '--age-model-file',
      f('sam.onnx'),
      '--age-model-kind',
      'sam',
      '--generator-file',
      f('gen.onnx'),
      '--target-age',
      '60',
      '--verify',
      'never'
    ]
    const r = await cli(...base)
    expect(r.code).toBe(7)
    const last = r.stderr.trim().split('\n').at(-1)!
    expect(last).toBe(
      'heirloom: error: SAM needs its encoder, the pretrained pSp encoder and the average latent together ' +
        '(codes = encoder + pSp + latent_avg); missing: the pretrained pSp encoder (sam-pretrained-encoder) and the ' +
        'average latent (sam-latent-avg). Pass --pretrained-encoder-file and --average-latent-file, or get them ' +
        'with: heirloom models fetch sam-pretrained-encoder sam-latent-avg.'
    )
    expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
    await expect(decodePhoto(f('sam.png'))).rejects.toMatchObject({ code: 'NOT_FOUND' })

    // With the companions given, the same run works.
    const ok = await cli(...base, '--pretrained-encoder-file', f('psp.onnx'), '--average-latent-file', f('avg.npy'))
    expect(ok.stderr).not.toMatch(/error/)
    expect(ok.code).toBe(0)

    // The app's worker refuses the same way.
    const s = await client.call('open', { input: photoPath(FAMILY), faces: goldenFaces(FAMILY, 'user') })
    await expect(
      client.call('ageFaces', {
        sessionId: s.sessionId,
        choice: { ageModelFile: f('sam.onnx'), ageModelKind: 'sam', generator: { file: f('gen.onnx') } },
        amount: { kind: 'target', age: 60 },
        options: { strength: 1 }
      })
    ).rejects.toMatchObject({ code: 'MODEL_MISSING', message: expect.stringMatching(/pretrained pSp encoder/) })
    await client.call('close', { sessionId: s.sessionId })
  })
})
