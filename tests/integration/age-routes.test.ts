import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Face, Landmarks5 } from '../../src/shared/faces'
import type { RgbImage } from '../../src/main/core/image/types'
import { isGrayscaleImage, toGrayscaleInPlace } from '../../src/main/core/image/gray'
import { alignAffine } from '../../src/main/core/geometry/templates'
import { warpToTensor } from '../../src/main/core/warp/crop'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import type { ModelSession } from '../../src/main/core/runtime/types'
import { ageFace } from '../../src/main/core/stages/age/age-face'
import { agePhoto } from '../../src/main/core/stages/age/age-photo'
import type { AgeAmount } from '../../src/main/core/stages/age/calibration'
import type { AgeModels } from '../../src/main/core/stages/age/types'
import { applyAffine, invertAffine } from '../../src/main/core/geometry/affine'
import {
  checkGraphShape,
  ENCODER_SHAPE,
  GENERATOR_SHAPE,
  STYLEGANEX_SHAPE
} from '../../src/main/core/stages/age/contracts'
import { broadcastToLayers, WPLUS_SIZE } from '../../src/main/core/stages/age/latent'
import type { LatentAgeModels, SamAgeModels, StyleganexAgeModels } from '../../src/main/core/stages/age/types'
import { describeShared, hasShared, modelPath } from '../helpers/shared-assets'
import {
  BLOCK,
  BLOCKS,
  blockEncoderGraph,
  blockGeneratorGraph,
  DIRECTION_GAIN,
  samBlockEncoderGraph,
  zeroEncoderGraph,
  styleganexGraph,
  writeGraphFile,
  writeGraphWithExternalData
} from '../fixtures/age-graphs'

/** A smooth, colourful 800x600 "photo" (smooth so block means and resampling are predictable). */
function gradientPhoto(): RgbImage {
  const w = 800
  const h = 600
  const data = new Uint8Array(w * h * 3)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3
      data[i] = 60 + Math.round((140 * x) / w)
      data[i + 1] = 50 + Math.round((150 * y) / h)
      data[i + 2] = 110 + Math.round(50 * Math.sin(x / 90) * Math.cos(y / 70))
    }
  }
  return { width: w, height: h, data }
}

const faceAt = (cx: number, cy: number, eye: number): Landmarks5 => [
  [cx - eye / 2, cy],
  [cx + eye / 2, cy],
  [cx, cy + eye * 0.6],
  [cx - eye * 0.4, cy + eye * 1.05],
  [cx + eye * 0.4, cy + eye * 1.05]
]
const asFace = (lm: Landmarks5): Face => ({ box: [lm[0][0] - 40, lm[0][1] - 60, 160, 200], score: 0.99, landmarks: lm })
const LM_A = faceAt(230, 260, 70)
const LM_B = faceAt(580, 280, 60)

/** Expected generator output for k = 0: the 16x16 block means of the encoder's 256 crop, as 8-bit RGB at 1024. */
function expectedBlockImage(
  img: RgbImage,
  lm: Landmarks5,
  shift?: (c: number, by: number, bx: number) => number
): Uint8Array {
  const x = warpToTensor(img, alignAffine(lm, 'ffhq_quad', 256), 256, 256, {
    channels: 'RGB',
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
    border: 'replicate'
  })
  const out = new Uint8Array(1024 * 1024 * 3)
  for (let c = 0; c < 3; c++) {
    for (let by = 0; by < BLOCKS; by++) {
      for (let bx = 0; bx < BLOCKS; bx++) {
        let s = 0
        for (let y = 0; y < BLOCK; y++)
          for (let xx = 0; xx < BLOCK; xx++) s += x[c * 65536 + (by * BLOCK + y) * 256 + bx * BLOCK + xx]
        const v = s / (BLOCK * BLOCK) + (shift ? shift(c, by, bx) : 0)
        const px = Math.max(0, Math.min(255, Math.round(v * 127.5 + 127.5)))
        for (let y = by * 64; y < by * 64 + 64; y++)
          for (let xx = bx * 64; xx < bx * 64 + 64; xx++) out[(y * 1024 + xx) * 3 + c] = px
      }
    }
  }
  return out
}

function maxAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

/** PSNR over the pixels where `inside(x, y)` is true. */
function psnr(a: RgbImage, b: RgbImage, inside: (x: number, y: number) => boolean): number {
  let se = 0
  let n = 0
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (!inside(x, y)) continue
      for (let c = 0; c < 3; c++) {
        const d = a.data[(y * a.width + x) * 3 + c] - b.data[(y * a.width + x) * 3 + c]
        se += d * d
        n++
      }
    }
  }
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / n))
}

const inBox = (box: readonly number[]) => (x: number, y: number) =>
  x >= box[0] && x < box[0] + box[2] && y >= box[1] && y < box[1] + box[3]

/** Ages `faces` (by index `select`) through the edit session; returns the composed photo and each layer's photo box. */
async function ageThroughSession(
  models: AgeModels,
  img: RgbImage,
  faces: Face[],
  amount: AgeAmount,
  opts: { select?: number[]; strength?: number; grayscale?: boolean } = {}
): Promise<{ image: RgbImage; boxes: number[][]; applied: Record<string, unknown>[] }> {
  const photo = { image: img, grayscale: opts.grayscale === true, format: 'png' as const, bitDepth: 8, metadata: {} }
  const { session, report } = await agePhoto({ models }, photo, {
    amount,
    faceList: faces,
    ...(opts.select ? { faces: opts.select } : {}),
    ...(opts.strength === undefined ? {} : { strength: opts.strength })
  })
  const boxes = session.layers.map((l) => {
    const inv = invertAffine(l.affine)
    const pts = [
      [-0.5, -0.5],
      [l.crop.width, -0.5],
      [-0.5, l.crop.height],
      [l.crop.width, l.crop.height]
    ].map((q) => applyAffine(inv, q as [number, number]))
    const x0 = Math.floor(Math.min(...pts.map((q) => q[0]))) - 1
    const y0 = Math.floor(Math.min(...pts.map((q) => q[1]))) - 1
    const x1 = Math.ceil(Math.max(...pts.map((q) => q[0]))) + 1
    const y1 = Math.ceil(Math.max(...pts.map((q) => q[1]))) + 1
    return [x0, y0, x1 - x0, y1 - y0]
  })
  return { image: session.compose(), boxes, applied: report.faces.filter((f) => f.aged).map((f) => f.applied ?? {}) }
}

function meanOf(img: RgbImage): number {
  let s = 0
  for (const v of img.data) s += v
  return s / img.data.length
}

let dir: string
let encoder: ModelSession
let generator: ModelSession
let sam: ModelSession
let styleganex: ModelSession
let zeroPsp: ModelSession
const sessions: ModelSession[] = []
/** A test direction with a distinct value per block, so the edit's location is checkable. */
const testDirection = broadcastToLayers(
  Float32Array.from({ length: 512 }, (_, i) => 0.02 * Math.sin(i * 0.37) + 0.01),
  [1, 512],
  'test direction'
)

function latentModels(direction = testDirection, extra: Partial<LatentAgeModels> = {}): LatentAgeModels {
  return {
    route: 'latent',
    encoder: { session: encoder, label: 'block-encoder' },
    generator: { session: generator, label: 'block-generator' },
    direction,
    directionLabel: 'test-direction',
    calibration: { latentPerYear: 0.15, directionSign: 1 },
    layers: [0, 18],
    ...extra
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'heirloom-age-'))
  // The encoder's zero tail lives in an external data file beside it, as large exports do.
  const enc = writeGraphWithExternalData(join(dir, 'enc'), 'encoder.onnx', blockEncoderGraph(), ['tail'])
  encoder = await openSession(enc.model, { provider: 'cpu' })
  generator = await openSession(writeGraphFile(dir, 'generator.onnx', blockGeneratorGraph()), { provider: 'cpu' })
  sam = await openSession(writeGraphFile(dir, 'sam.onnx', samBlockEncoderGraph()), { provider: 'cpu' })
  styleganex = await openSession(writeGraphFile(dir, 'styleganex.onnx', styleganexGraph()), { provider: 'cpu' })
  zeroPsp = await openSession(writeGraphFile(dir, 'zero-psp.onnx', zeroEncoderGraph()), { provider: 'cpu' })
  sessions.push(encoder, generator, sam, styleganex, zeroPsp)
})

afterAll(async () => {
  for (const s of sessions) await s.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('age latent route (stand-in encoder/generator)', () => {
  it('loads an encoder whose initializer is stored as external data', () => {
    expect(readFileSync(join(dir, 'enc', 'encoder.onnx.data')).length).toBeGreaterThanOrEqual(8448 * 4)
    expect(() => checkGraphShape(encoder, ENCODER_SHAPE, 'encoder')).not.toThrow()
    expect(() => checkGraphShape(generator, GENERATOR_SHAPE, 'generator')).not.toThrow()
  })

  it('k = 0 round-trips the crop to its 16x16 block means', async () => {
    const img = gradientPhoto()
    const aged = await ageFace(latentModels(), img, LM_A, { amount: { kind: 'factor', k: 0 } })
    expect(aged.params).toEqual({ route: 'latent', editFactor: 0 })
    expect(aged.raw.width).toBe(1024)
    expect(maxAbsDiff(aged.raw.data, expectedBlockImage(img, LM_A))).toBeLessThanOrEqual(1)
    // the face crop is pasted at the face's own resolution (quad of 4 eye distances = 280 px), centre 80 %
    expect(aged.face.width).toBe(Math.round(280 * 0.8))
  })

  it.skipIf(!hasShared)('k moves each block by k * d (REAL e4e direction, broadcast to 18 layers)', async () => {
    const { loadDirectionFile } = await import('../../src/main/core/stages/age/direction')
    const real = loadDirectionFile(modelPath('e4e_age_direction.npy'))
    expect(real.length).toBe(WPLUS_SIZE)
    let norm = 0
    for (let i = 0; i < 512; i++) norm += real[i] ** 2
    expect(Math.sqrt(norm)).toBeCloseTo(1, 3)
    const img = gradientPhoto()
    const k = 3
    const aged = await ageFace(latentModels(real), img, LM_A, { amount: { kind: 'factor', k } })
    // block (c, by, bx) is latent coordinate c*256 + by*16 + bx: layer 0 for the first 512, layer 1 after.
    const want = expectedBlockImage(img, LM_A, (c, by, bx) => {
      const j = c * 256 + by * 16 + bx
      return k * real[j < 512 ? j : 512 + (j - 512)]
    })
    expect(maxAbsDiff(aged.raw.data, want)).toBeLessThanOrEqual(1)
    expect(maxAbsDiff(aged.raw.data, expectedBlockImage(img, LM_A))).toBeGreaterThan(5)
  })

  it('restricting the layer range to layers the stand-in does not read leaves the output as k = 0', async () => {
    const img = gradientPhoto()
    const aged = await ageFace(latentModels(testDirection, { layers: [2, 18] }), img, LM_A, {
      amount: { kind: 'factor', k: 5 }
    })
    expect(maxAbsDiff(aged.raw.data, expectedBlockImage(img, LM_A))).toBeLessThanOrEqual(1)
  })

  it('adds the average latent when the encoder outputs offsets', async () => {
    const img = gradientPhoto()
    const avg = new Float32Array(WPLUS_SIZE).fill(0.1)
    const aged = await ageFace(latentModels(testDirection, { averageLatent: avg }), img, LM_A, {
      amount: { kind: 'factor', k: 0 }
    })
    expect(
      maxAbsDiff(
        aged.raw.data,
        expectedBlockImage(img, LM_A, () => 0.1)
      )
    ).toBeLessThanOrEqual(1)
  })

  it('--delta maps through latentPerYear and the sign', async () => {
    const img = gradientPhoto()
    const older = await ageFace(latentModels(), img, LM_A, { amount: { kind: 'delta', years: 20 } })
    expect(older.params.editFactor).toBeCloseTo(3, 6)
    const flipped = await ageFace(
      latentModels(testDirection, { calibration: { latentPerYear: 0.15, directionSign: -1 } }),
      img,
      LM_A,
      { amount: { kind: 'delta', years: 20 } }
    )
    expect(flipped.params.editFactor).toBeCloseTo(-3, 6)
    expect(meanOf(older.raw)).toBeGreaterThan(meanOf(flipped.raw) + 3)
  })

  it('ages only the chosen face; everything outside its pasted box is unchanged', async () => {
    const img = gradientPhoto()
    const before = img.data.slice()
    const res = await ageThroughSession(
      latentModels(),
      img,
      [asFace(LM_A), asFace(LM_B)],
      { kind: 'factor', k: 4 },
      { select: [0] }
    )
    expect(Buffer.from(img.data).equals(Buffer.from(before))).toBe(true) // the original is never modified
    expect(res.boxes).toHaveLength(1)
    const box = res.boxes[0]
    const outside = (x: number, y: number) => !inBox(box)(x, y)
    expect(psnr(res.image, img, outside)).toBeGreaterThanOrEqual(50)
    // face B's region is bit-identical
    expect(psnr(res.image, img, inBox([520, 230, 120, 120]))).toBe(Infinity)
    // face A changed
    expect(psnr(res.image, img, inBox([200, 240, 60, 60]))).toBeLessThan(40)
    expect(res.applied[0]).toMatchObject({ route: 'latent', editFactor: 4 })
  })

  it('strength 0 leaves the photo as it was', async () => {
    const img = gradientPhoto()
    const res = await ageThroughSession(latentModels(), img, [asFace(LM_A)], { kind: 'factor', k: 4 }, { strength: 0 })
    expect(psnr(res.image, img, () => true)).toBe(Infinity)
  })

  it('a grayscale photo stays grayscale', async () => {
    const img = gradientPhoto()
    toGrayscaleInPlace(img)
    const res = await ageThroughSession(
      latentModels(),
      img,
      [asFace(LM_A)],
      { kind: 'factor', k: 4 },
      { grayscale: true }
    )
    expect(isGrayscaleImage(res.image, 0)).toBe(true)
    expect(psnr(res.image, img, inBox([200, 240, 60, 60]))).toBeLessThan(45)
  })
})

describe('age SAM route (4-channel stand-in)', () => {
  const samModels = (extra: Partial<SamAgeModels> = {}): SamAgeModels => ({
    route: 'sam',
    encoder: { session: sam, label: 'sam-block' },
    generator: { session: generator, label: 'block-generator' },
    // SAM always adds pSp codes and latent_avg; zero ones keep the SAM encoder's own codes visible.
    pretrained: { session: zeroPsp, label: 'zero-psp' },
    averageLatent: new Float32Array(WPLUS_SIZE),
    ...extra
  })

  it('feeds target_age/100 in the 4th channel (age 50 = plain block means, +20 years = +0.2)', async () => {
    const img = gradientPhoto()
    const at50 = await ageFace(samModels(), img, LM_A, { amount: { kind: 'target', age: 50 } })
    expect(at50.params).toEqual({ route: 'sam', targetAge: 50 })
    expect(maxAbsDiff(at50.raw.data, expectedBlockImage(img, LM_A))).toBeLessThanOrEqual(1)
    const at70 = await ageFace(samModels(), img, LM_A, { amount: { kind: 'delta', years: 20, currentAge: 50 } })
    expect(
      maxAbsDiff(
        at70.raw.data,
        expectedBlockImage(img, LM_A, () => 0.2)
      )
    ).toBeLessThanOrEqual(1)
  })

  it('composes SAM + pretrained pSp codes + average latent like SAM does', async () => {
    const img = gradientPhoto()
    const avg = new Float32Array(WPLUS_SIZE).fill(-0.3)
    const aged = await ageFace(
      samModels({ pretrained: { session: encoder, label: 'psp' }, averageLatent: avg }),
      img,
      LM_A,
      { amount: { kind: 'target', age: 60 } }
    )
    // 2 x block mean + (0.6 - 0.5) - 0.3: compare against expectedBlockImage applied twice
    const once = expectedBlockImage(img, LM_A)
    const twice = expectedBlockImage(img, LM_A, (c, by, bx) => {
      const px = once[(by * 64 * 1024 + bx * 64) * 3 + c]
      return (px - 127.5) / 127.5 + 0.1 - 0.3
    })
    expect(maxAbsDiff(aged.raw.data, twice)).toBeLessThanOrEqual(2)
  })

  it('refuses a raw edit factor (SAM takes an age)', async () => {
    await expect(
      ageFace(samModels(), gradientPhoto(), LM_A, { amount: { kind: 'factor', k: 1 } })
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST'
    })
  })
})

describe('age StyleGANEX route (three-input stand-in)', () => {
  const sxModels = (sign: 1 | -1): StyleganexAgeModels => ({
    route: 'styleganex',
    model: { session: styleganex, label: 'styleganex-like' },
    calibration: { latentPerYear: 0.05, directionSign: sign }
  })

  it('direction 0 round-trips the face region (384 crop -> 1024 -> paste with the 384 transform scaled)', async () => {
    const img = gradientPhoto()
    const res = await ageThroughSession(sxModels(-1), img, [asFace(LM_A)], { kind: 'factor', k: 0 })
    const box = res.boxes[0]
    expect(psnr(res.image, img, inBox(box))).toBeGreaterThan(38)
    expect(psnr(res.image, img, (x, y) => !inBox(box)(x, y))).toBe(Infinity)
  })

  it('the direction sign flag flips the edit', async () => {
    const img = gradientPhoto()
    const neutral = await ageFace(sxModels(-1), img, LM_A, { amount: { kind: 'factor', k: 0 } })
    const minus = await ageFace(sxModels(-1), img, LM_A, { amount: { kind: 'delta', years: 20 } })
    const plus = await ageFace(sxModels(1), img, LM_A, { amount: { kind: 'delta', years: 20 } })
    expect(minus.params.editFactor).toBeCloseTo(-1, 6)
    expect(plus.params.editFactor).toBeCloseTo(1, 6)
    const shift = DIRECTION_GAIN * 127.5
    expect(meanOf(plus.raw) - meanOf(neutral.raw)).toBeGreaterThan(shift * 0.8)
    expect(meanOf(neutral.raw) - meanOf(minus.raw)).toBeGreaterThan(shift * 0.8)
  })

  it('a [1] direction input is fed as a 1-element tensor', async () => {
    const s = await openSession(writeGraphFile(dir, 'sx1.onnx', styleganexGraph({ directionDims: [1] })), {
      provider: 'cpu'
    })
    sessions.push(s)
    expect(() => checkGraphShape(s, STYLEGANEX_SHAPE, 'sx1')).not.toThrow()
    const aged = await ageFace({ ...sxModels(1), model: { session: s, label: 'sx1' } }, gradientPhoto(), LM_B, {
      amount: { kind: 'factor', k: 0.5 }
    })
    expect(aged.raw.width).toBe(1024)
  })
})

describe('age graph contracts', () => {
  it('wrong shapes give MODEL_CONTRACT naming expected and found', async () => {
    const cases: [string, Parameters<typeof writeGraphFile>[2], typeof ENCODER_SHAPE][] = [
      ['enc16.onnx', blockEncoderGraph({ latentDims: [1, 16, 512] }), ENCODER_SHAPE],
      ['enc512.onnx', blockEncoderGraph({ inputSize: 512 }), ENCODER_SHAPE],
      ['gen512.onnx', blockGeneratorGraph({ outputSize: 512 }), GENERATOR_SHAPE],
      ['sx2.onnx', styleganexGraph({ dropBackgroundInput: true }), STYLEGANEX_SHAPE]
    ]
    for (const [name, graph, shape] of cases) {
      const s = await openSession(writeGraphFile(dir, name, graph), { provider: 'cpu' })
      sessions.push(s)
      let err: unknown
      try {
        checkGraphShape(s, shape, name)
      } catch (e) {
        err = e
      }
      expect(err, name).toMatchObject({ code: 'MODEL_CONTRACT' })
      expect(String((err as Error).message)).toMatch(/expected inputs .* found inputs/)
    }
    // the generator is also refused as an encoder (swapped files)
    expect(() => checkGraphShape(generator, ENCODER_SHAPE, 'swapped')).toThrowError(
      expect.objectContaining({ code: 'MODEL_CONTRACT' })
    )
  })
})

describeShared('age with the real e4e direction file', () => {
  it('is float32 [1,512] and loads as 18 identical layers', async () => {
    const { loadDirectionFile } = await import('../../src/main/core/stages/age/direction')
    const d = loadDirectionFile(modelPath('e4e_age_direction.npy'))
    expect(Array.from(d.subarray(0, 512))).toEqual(Array.from(d.subarray(17 * 512)))
  })
})
