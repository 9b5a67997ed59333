import { HeirloomError } from '../errors'
import { toGrayscaleInPlace } from '../image/gray'
import type { RgbImage } from '../image/types'

/** Per-pixel weights (0..1 floats or 0..255 bytes), one per pixel of both images. */
export type ColourMask = Uint8Array | Float32Array

function channelStats(img: RgbImage, mask: ColourMask | undefined): { mean: number[]; std: number[] } {
  const n = img.width * img.height
  const scale = mask instanceof Uint8Array ? 1 / 255 : 1
  const sum = [0, 0, 0]
  const sq = [0, 0, 0]
  let wsum = 0
  const d = img.data
  for (let i = 0; i < n; i++) {
    const w = mask ? mask[i] * scale : 1
    if (w <= 0) continue
    wsum += w
    for (let c = 0; c < 3; c++) {
      const v = d[i * 3 + c]
      sum[c] += w * v
      sq[c] += w * v * v
    }
  }
  if (wsum <= 0) throw new HeirloomError('INVALID_REQUEST', 'Colour match mask selects no pixels.')
  const mean = sum.map((s) => s / wsum)
  const std = sq.map((s, c) => Math.sqrt(Math.max(0, s / wsum - mean[c] * mean[c])))
  return { mean, std }
}

/**
 * Per-channel mean/std transfer: returns src with each channel shifted and scaled to ref's statistics (optionally
 * measured only where `mask` is set; the mask then needs both images to be the same size).
 */
export function matchColorMeanStd(src: RgbImage, ref: RgbImage, mask?: ColourMask): RgbImage {
  if (mask && (src.width !== ref.width || src.height !== ref.height || mask.length !== src.width * src.height)) {
    throw new HeirloomError('INVALID_REQUEST', 'Colour match with a mask needs two images and a mask of the same size.')
  }
  const s = channelStats(src, mask)
  const r = channelStats(ref, mask)
  // A flat source channel has no contrast to scale; keep it flat and only shift it.
  const gain = s.std.map((sd, c) => (sd > 1e-6 ? r.std[c] / sd : 1))
  const out = new Uint8Array(src.data.length)
  const n = src.width * src.height
  for (let c = 0; c < 3; c++) {
    const g = gain[c]
    const off = r.mean[c] - s.mean[c] * g
    for (let i = c; i < n * 3; i += 3) {
      const v = src.data[i] * g + off
      out[i] = v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5
    }
  }
  return { width: src.width, height: src.height, data: out }
}

/** Area-average of an interleaved float RGB buffer into s x s cells. */
function boxDown(data: ArrayLike<number>, w: number, h: number, s: number): Float64Array {
  const acc = new Float64Array(s * s * 3)
  const cnt = new Float64Array(s * s)
  for (let y = 0; y < h; y++) {
    const cy = Math.min(s - 1, Math.floor((y * s) / h))
    for (let x = 0; x < w; x++) {
      const cell = cy * s + Math.min(s - 1, Math.floor((x * s) / w))
      const i = (y * w + x) * 3
      acc[cell * 3] += data[i]
      acc[cell * 3 + 1] += data[i + 1]
      acc[cell * 3 + 2] += data[i + 2]
      cnt[cell] += 1
    }
  }
  for (let k = 0; k < s * s; k++) {
    const c = cnt[k] || 1
    acc[k * 3] /= c
    acc[k * 3 + 1] /= c
    acc[k * 3 + 2] /= c
  }
  return acc
}

/** Adds a bilinearly upsampled s x s difference grid (cell centres) to buf in place. */
function addUpsampled(buf: Float64Array, w: number, h: number, diff: Float64Array, s: number): void {
  for (let y = 0; y < h; y++) {
    const gy = Math.min(s - 1, Math.max(0, ((y + 0.5) * s) / h - 0.5))
    const y0 = Math.floor(gy)
    const y1 = Math.min(s - 1, y0 + 1)
    const fy = gy - y0
    for (let x = 0; x < w; x++) {
      const gx = Math.min(s - 1, Math.max(0, ((x + 0.5) * s) / w - 0.5))
      const x0 = Math.floor(gx)
      const x1 = Math.min(s - 1, x0 + 1)
      const fx = gx - x0
      const i = (y * w + x) * 3
      for (let c = 0; c < 3; c++) {
        const top = diff[(y0 * s + x0) * 3 + c] * (1 - fx) + diff[(y0 * s + x1) * 3 + c] * fx
        const bot = diff[(y1 * s + x0) * 3 + c] * (1 - fx) + diff[(y1 * s + x1) * 3 + c] * fx
        buf[i + c] += top * (1 - fy) + bot * fy
      }
    }
  }
}

/** Grid sizes of the colour transfer, coarse to fine: colours follow ref below ~1/32 of the crop, detail stays src's. */
const COLOUR_SCALES = [4, 8, 16, 32]

/**
 * Low-frequency colour transfer in the spirit of FaceFusion's StyleGANEX colour match: at a few coarse scales the
 * difference between ref's and the result's local mean colour is added back, so generated faces keep the photo's
 * tint and lighting while keeping their own detail.
 */
export function multiScaleColorTransfer(src: RgbImage, ref: RgbImage): RgbImage {
  const w = src.width
  const h = src.height
  const buf = Float64Array.from(src.data)
  for (const s0 of COLOUR_SCALES) {
    const s = Math.max(1, Math.min(s0, w, h, ref.width, ref.height))
    const want = boxDown(ref.data, ref.width, ref.height, s)
    const have = boxDown(buf, w, h, s)
    for (let k = 0; k < want.length; k++) want[k] -= have[k]
    addUpsampled(buf, w, h, want, s)
  }
  const out = new Uint8Array(buf.length)
  for (let i = 0; i < buf.length; i++) {
    const v = buf[i]
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5
  }
  return { width: w, height: h, data: out }
}

/** Forces a grayscale photo's processed pixels back to gray (models tend to tint them). */
export function keepGrayscale(img: RgbImage): void {
  toGrayscaleInPlace(img)
}
