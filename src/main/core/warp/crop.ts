import { HeirloomError } from '../errors'
import { invertAffine } from '../geometry/affine'
import type { Affine } from '../geometry/types'
import type { RgbImage } from '../image/types'

export interface WarpOptions {
  /** 'constant' fills outside pixels with `fill` (facexlib); 'replicate' repeats the edge (FaceFusion). */
  border?: 'constant' | 'replicate'
  /** RGB fill for border 'constant'; default 132,133,135 like facexlib. */
  fill?: [number, number, number]
}

export interface TensorWarpOptions extends WarpOptions {
  channels: 'RGB' | 'BGR'
  /** Per tensor channel, in the tensor's channel order. */
  mean: [number, number, number]
  std: [number, number, number]
  layout?: 'NCHW' | 'NHWC'
  /** Write into this buffer (e.g. one slot of a batch) instead of allocating. */
  out?: Float32Array
  /** Element offset into `out`. */
  offset?: number
}

export const DEFAULT_FILL: [number, number, number] = [132, 133, 135]

/** OpenCV resolves sub-pixel positions to 1/32 px (INTER_BITS = 5); doing the same keeps crops bit-close to cv2. */
const SUBPIX = 32
const SUBPIX_BITS = 5
/** Bilinear weights are products of 1/32 steps, so sums are exact integers in units of 1/1024 (cv2's fixed point). */
const ONE_BITS = 2 * SUBPIX_BITS
const ONE = 1 << ONE_BITS

/** cv2 maps positions in fixed point with AB_BITS = 10 (then keeps 5 sub-pixel bits); the same maps keep crops bit-equal. */
const AB_BITS = 10
/** Rows whose source coordinates stay within this bound use 32-bit fixed point (2^20 * 2^10 fits an int32). */
const MAX_FIXED = 1 << 20

/** The source, its inverse map and border; `first`/`last`/`qx0`/`qy0` describe the row being sampled. */
interface Sampler {
  px: Uint8Array
  /** 32-bit little-endian reads fetch R, G, B (and one spare byte) of a tap at once. */
  view: DataView
  w: number
  h: number
  inv: Affine
  /** cv2's per-column offsets round(inv_a * x * 1024), round(inv_d * x * 1024). */
  colX: Int32Array
  colY: Int32Array
  replicate: boolean
  fill: readonly number[]
  /** Interior columns of the current row (empty when first > last); the others are already in the row buffer. */
  first: number
  last: number
  /** Fixed-point (1/1024 px, plus cv2's half step) source position of column 0 of the current row. */
  qx0: number
  qy0: number
}

function makeSampler(img: RgbImage, m: Affine, width: number, height: number, opts: WarpOptions): Sampler {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new HeirloomError('INVALID_REQUEST', `Warp size must be positive integers (got ${width}x${height}).`)
  }
  if (img.width <= 0 || img.height <= 0 || img.data.length < img.width * img.height * 3) {
    throw new HeirloomError('INVALID_REQUEST', 'Warp source image is empty or its buffer is too small.')
  }
  const len = img.width * img.height * 3
  // A plain Uint8Array view keeps the edge loop monomorphic when callers pass a Buffer.
  const px = new Uint8Array(img.data.buffer, img.data.byteOffset, len)
  const view = new DataView(img.data.buffer, img.data.byteOffset, len)
  const inv = invertAffine(m)
  const colX = new Int32Array(width)
  const colY = new Int32Array(width)
  for (let x = 0; x < width; x++) {
    colX[x] = fixed(inv[0] * x)
    colY[x] = fixed(inv[3] * x)
  }
  const fill = opts.fill ?? DEFAULT_FILL
  const replicate = opts.border === 'replicate'
  return { px, view, w: img.width, h: img.height, inv, colX, colY, replicate, fill, first: 0, last: -1, qx0: 0, qy0: 0 }
}

/** round(v * 1024) clamped to what fits an int32 (rows that would overflow take the float path). */
function fixed(v: number): number {
  const f = Math.round(v * (1 << AB_BITS))
  return f > 0x3fffffff ? 0x3fffffff : f < -0x3fffffff ? -0x3fffffff : f
}

/**
 * Prepares destination row y: border pixels go into `row` as interleaved RGB sums in 1/1024 units (value * 1024,
 * exact) and s.first..s.last is left for an interior loop. Source positions are monotonic along a row, so the pixels
 * whose 2x2 neighbourhood is inside the image form one interval: the edges are peeled off from both ends.
 */
function sampleEdges(s: Sampler, y: number, width: number, row: Int32Array): void {
  const [ia, ib, ic, id, ie, iff] = s.inv
  const rowX = ib * y + ic
  const rowY = ie * y + iff
  const lastX = ia * (width - 1) + rowX
  const lastY = id * (width - 1) + rowY
  if (!(Math.max(Math.abs(rowX), Math.abs(rowY), Math.abs(lastX), Math.abs(lastY)) < MAX_FIXED)) {
    for (let x = 0; x < width; x++) sampleFar(s, ia * x + rowX, id * x + rowY, row, x * 3)
    s.first = width
    s.last = width - 1
    return
  }
  // cv2 adds half a sub-pixel step before truncating to 1/32 px.
  const qx0 = fixed(rowX) + (1 << (AB_BITS - SUBPIX_BITS - 1))
  const qy0 = fixed(rowY) + (1 << (AB_BITS - SUBPIX_BITS - 1))
  const { colX, colY, w, h } = s
  const shift = AB_BITS - SUBPIX_BITS
  let a = 0
  for (; a < width; a++) {
    const qx = (qx0 + colX[a]) >> shift
    const qy = (qy0 + colY[a]) >> shift
    if (interior(qx, qy, w, h)) break
    sampleEdge(s, qx >> SUBPIX_BITS, qy >> SUBPIX_BITS, qx & (SUBPIX - 1), qy & (SUBPIX - 1), row, a * 3)
  }
  let b = width - 1
  for (; b > a; b--) {
    const qx = (qx0 + colX[b]) >> shift
    const qy = (qy0 + colY[b]) >> shift
    if (interior(qx, qy, w, h)) break
    sampleEdge(s, qx >> SUBPIX_BITS, qy >> SUBPIX_BITS, qx & (SUBPIX - 1), qy & (SUBPIX - 1), row, b * 3)
  }
  s.first = a
  s.last = a < width ? b : width - 1
  s.qx0 = qx0
  s.qy0 = qy0
}

/**
 * True when the 2x2 neighbourhood of (qx, qy) (1/32 px) is inside a w x h image with one spare pixel on the right,
 * so the 4-byte reads of both columns stay inside the row.
 */
function interior(qx: number, qy: number, w: number, h: number): boolean {
  const x = qx >> SUBPIX_BITS
  const y = qy >> SUBPIX_BITS
  return x >= 0 && y >= 0 && x < w - 2 && y < h - 1
}

/*
 * The interior loops below are one loop written three times (row sums, 8-bit RGB, float planes) so each stays
 * monomorphic with no per-pixel call. Per pixel: 4 unaligned 32-bit reads fetch both taps of both rows; R and B are
 * blended horizontally in 16-bit lanes (at most 255 * 32, so they never carry into each other), then vertically.
 * The sums are exact integers in 1/1024, the same as cv2's fixed-point bilinear. The constants are literals
 * (5 = AB_BITS - SUBPIX_BITS = SUBPIX_BITS, 31/32 = SUBPIX, 10/512 = ONE_BITS): module-level consts in these loops
 * cost V8 ~60 % more time.
 */

function interiorToRow(s: Sampler, row: Int32Array): void {
  const { view, colX, colY, qx0, qy0, first, last } = s
  const stride = s.w * 3
  for (let x = first, o = first * 3; x <= last; x++, o += 3) {
    const qx = (qx0 + colX[x]) >> 5
    const qy = (qy0 + colY[x]) >> 5
    const fx = qx & 31
    const fy = qy & 31
    const gx = 32 - fx
    const i = (qy >> 5) * stride + (qx >> 5) * 3
    const t0 = view.getUint32(i, true)
    const t1 = view.getUint32(i + 3, true)
    const b0 = view.getUint32(i + stride, true)
    const b1 = view.getUint32(i + stride + 3, true)
    const top = (t0 & 0xff00ff) * gx + (t1 & 0xff00ff) * fx
    const bot = (b0 & 0xff00ff) * gx + (b1 & 0xff00ff) * fx
    const topG = ((t0 >>> 8) & 0xff) * gx + ((t1 >>> 8) & 0xff) * fx
    const botG = ((b0 >>> 8) & 0xff) * gx + ((b1 >>> 8) & 0xff) * fx
    const gy = 32 - fy
    row[o] = (top & 0xffff) * gy + (bot & 0xffff) * fy
    row[o + 1] = topG * gy + botG * fy
    row[o + 2] = (top >>> 16) * gy + (bot >>> 16) * fy
  }
}

function interiorToRgb(s: Sampler, out: Uint8Array, rowStart: number): void {
  const { view, colX, colY, qx0, qy0, first, last } = s
  const stride = s.w * 3
  for (let x = first, o = rowStart + first * 3; x <= last; x++, o += 3) {
    const qx = (qx0 + colX[x]) >> 5
    const qy = (qy0 + colY[x]) >> 5
    const fx = qx & 31
    const fy = qy & 31
    const gx = 32 - fx
    const i = (qy >> 5) * stride + (qx >> 5) * 3
    const t0 = view.getUint32(i, true)
    const t1 = view.getUint32(i + 3, true)
    const b0 = view.getUint32(i + stride, true)
    const b1 = view.getUint32(i + stride + 3, true)
    const top = (t0 & 0xff00ff) * gx + (t1 & 0xff00ff) * fx
    const bot = (b0 & 0xff00ff) * gx + (b1 & 0xff00ff) * fx
    const topG = ((t0 >>> 8) & 0xff) * gx + ((t1 >>> 8) & 0xff) * fx
    const botG = ((b0 >>> 8) & 0xff) * gx + ((b1 >>> 8) & 0xff) * fx
    const gy = 32 - fy
    out[o] = ((top & 0xffff) * gy + (bot & 0xffff) * fy + 512) >> 10
    out[o + 1] = (topG * gy + botG * fy + 512) >> 10
    out[o + 2] = ((top >>> 16) * gy + (bot >>> 16) * fy + 512) >> 10
  }
}

/** Planes start at pR/pG/pB (the row's first element); value = sum * k + bias with k = scale / 1024. */
function interiorToPlanes(
  s: Sampler,
  out: Float32Array,
  pR: number,
  pG: number,
  pB: number,
  k: readonly number[],
  bias: readonly number[]
): void {
  const { view, colX, colY, qx0, qy0, first, last } = s
  const stride = s.w * 3
  const [kR, kG, kB] = k
  const [bR, bG, bB] = bias
  for (let x = first; x <= last; x++) {
    const qx = (qx0 + colX[x]) >> 5
    const qy = (qy0 + colY[x]) >> 5
    const fx = qx & 31
    const fy = qy & 31
    const gx = 32 - fx
    const i = (qy >> 5) * stride + (qx >> 5) * 3
    const t0 = view.getUint32(i, true)
    const t1 = view.getUint32(i + 3, true)
    const b0 = view.getUint32(i + stride, true)
    const b1 = view.getUint32(i + stride + 3, true)
    const top = (t0 & 0xff00ff) * gx + (t1 & 0xff00ff) * fx
    const bot = (b0 & 0xff00ff) * gx + (b1 & 0xff00ff) * fx
    const topG = ((t0 >>> 8) & 0xff) * gx + ((t1 >>> 8) & 0xff) * fx
    const botG = ((b0 >>> 8) & 0xff) * gx + ((b1 >>> 8) & 0xff) * fx
    const gy = 32 - fy
    out[pR + x] = ((top & 0xffff) * gy + (bot & 0xffff) * fy) * kR + bR
    out[pG + x] = (topG * gy + botG * fy) * kG + bG
    out[pB + x] = ((top >>> 16) * gy + (bot >>> 16) * fy) * kB + bB
  }
}

/** One pixel near or past the border, tap (x0, y0) with weights fx, fy in 1/32: each tap is clamped or the fill. */
function sampleEdge(s: Sampler, x0: number, y0: number, fx: number, fy: number, row: Int32Array, o: number): void {
  const { px, w, h, replicate, fill } = s
  row[o] = 0
  row[o + 1] = 0
  row[o + 2] = 0
  for (let k = 0; k < 4; k++) {
    const wk = ((k & 1) === 1 ? fx : SUBPIX - fx) * ((k & 2) === 2 ? fy : SUBPIX - fy)
    if (wk === 0) continue
    let x = x0 + (k & 1)
    let y = y0 + (k >> 1)
    if (x < 0 || y < 0 || x >= w || y >= h) {
      if (!replicate) {
        for (let c = 0; c < 3; c++) row[o + c] += wk * fill[c]
        continue
      }
      x = x < 0 ? 0 : x >= w ? w - 1 : x
      y = y < 0 ? 0 : y >= h ? h - 1 : y
    }
    const i = (y * w + x) * 3
    for (let c = 0; c < 3; c++) row[o + c] += wk * px[i + c]
  }
}

/** A pixel of a row whose coordinates leave the int32 fixed-point range: the same rounding in doubles. */
function sampleFar(s: Sampler, sx: number, sy: number, row: Int32Array, o: number): void {
  const qx = Math.round(sx * SUBPIX)
  const qy = Math.round(sy * SUBPIX)
  const x0 = Math.floor(qx / SUBPIX)
  const y0 = Math.floor(qy / SUBPIX)
  sampleEdge(s, x0, y0, qx - x0 * SUBPIX, qy - y0 * SUBPIX, row, o)
}

/**
 * cv2.warpAffine(src, m, (width, height)) with bilinear interpolation: m maps source -> destination, pixel centres
 * sit at integer coordinates, each destination pixel samples the source at m^-1(x, y).
 * Hand-written: sharp's affine() cannot take an arbitrary 2x3 matrix with OpenCV's pixel-centre convention.
 */
export function warpAffineRgb(
  img: RgbImage,
  m: Affine,
  width: number,
  height: number,
  opts: WarpOptions = {}
): RgbImage {
  const s = makeSampler(img, m, width, height, opts)
  const out = new Uint8Array(width * height * 3)
  const row = new Int32Array(width * 3)
  const half = ONE >> 1
  for (let y = 0; y < height; y++) {
    const at = y * width * 3
    sampleEdges(s, y, width, row)
    for (let k = 0; k < s.first * 3; k++) out[at + k] = (row[k] + half) >> ONE_BITS
    for (let k = (s.last + 1) * 3; k < width * 3; k++) out[at + k] = (row[k] + half) >> ONE_BITS
    interiorToRgb(s, out, at)
  }
  return { width, height, data: out }
}

/**
 * Warps straight into a normalised float tensor ((pixel/255 - mean)/std), NCHW or NHWC, RGB or BGR: no RGB crop is
 * materialised first.
 */
export function warpToTensor(
  img: RgbImage,
  m: Affine,
  width: number,
  height: number,
  opts: TensorWarpOptions
): Float32Array {
  const s = makeSampler(img, m, width, height, opts)
  const n = width * height
  const base = opts.offset ?? 0
  const out = opts.out ?? new Float32Array(base + n * 3)
  if (out.length < base + n * 3) {
    throw new HeirloomError('INVALID_REQUEST', `Tensor buffer too small: need ${base + n * 3}, have ${out.length}.`)
  }
  // Tensor slot of source channel c (R, G, B) after the optional swap; mean/std are given in tensor order.
  const slot = opts.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2]
  // Sums are in 1/1024 units: folding that into the scale is exact (a power of two).
  const k = slot.map((t) => 1 / (255 * opts.std[t]) / ONE)
  const bias = slot.map((t) => -opts.mean[t] / opts.std[t])
  const row = new Int32Array(width * 3)
  const nchw = (opts.layout ?? 'NCHW') === 'NCHW'
  for (let y = 0; y < height; y++) {
    sampleEdges(s, y, width, row)
    if (nchw) {
      const at = base + y * width
      interiorToPlanes(s, out, at + slot[0] * n, at + slot[1] * n, at + slot[2] * n, k, bias)
      for (let c = 0; c < 3; c++) {
        const plane = at + slot[c] * n
        for (let x = 0; x < s.first; x++) out[plane + x] = row[x * 3 + c] * k[c] + bias[c]
        for (let x = s.last + 1; x < width; x++) out[plane + x] = row[x * 3 + c] * k[c] + bias[c]
      }
    } else {
      interiorToRow(s, row)
      const at = base + y * width * 3
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++) out[at + x * 3 + slot[c]] = row[x * 3 + c] * k[c] + bias[c]
      }
    }
  }
  return out
}
