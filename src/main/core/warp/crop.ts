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
const MAX_COORD = 1 << 25

function checkSize(img: RgbImage, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new HeirloomError('INVALID_REQUEST', `Warp size must be positive integers (got ${width}x${height}).`)
  }
  if (img.width <= 0 || img.height <= 0 || img.data.length < img.width * img.height * 3) {
    throw new HeirloomError('INVALID_REQUEST', 'Warp source image is empty or its buffer is too small.')
  }
}

/**
 * Samples one source pixel bilinearly at (qx, qy) given in 1/32 px into rgb[0..2] (float, 0..255).
 * Hand-written: sharp's affine() cannot take an arbitrary 2x3 matrix with OpenCV's pixel-centre convention.
 */
function sampleSlow(
  src: Uint8Array,
  w: number,
  h: number,
  qx: number,
  qy: number,
  replicate: boolean,
  fill: readonly number[],
  rgb: Float64Array
): void {
  const x0 = qx >> SUBPIX_BITS
  const y0 = qy >> SUBPIX_BITS
  const fx = (qx & (SUBPIX - 1)) / SUBPIX
  const fy = (qy & (SUBPIX - 1)) / SUBPIX
  const wts = [(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy]
  rgb[0] = 0
  rgb[1] = 0
  rgb[2] = 0
  for (let k = 0; k < 4; k++) {
    const wk = wts[k]!
    if (wk === 0) continue
    let x = x0 + (k & 1)
    let y = y0 + (k >> 1)
    if (x < 0 || y < 0 || x >= w || y >= h) {
      if (!replicate) {
        rgb[0] += wk * fill[0]!
        rgb[1] += wk * fill[1]!
        rgb[2] += wk * fill[2]!
        continue
      }
      x = x < 0 ? 0 : x >= w ? w - 1 : x
      y = y < 0 ? 0 : y >= h ? h - 1 : y
    }
    const i = (y * w + x) * 3
    rgb[0] += wk * src[i]!
    rgb[1] += wk * src[i + 1]!
    rgb[2] += wk * src[i + 2]!
  }
}

/**
 * cv2.warpAffine(src, m, (width, height)) with bilinear interpolation: m maps source -> destination, pixel centres
 * sit at integer coordinates, each destination pixel samples the source at m^-1(x, y).
 */
export function warpAffineRgb(img: RgbImage, m: Affine, width: number, height: number, opts: WarpOptions = {}): RgbImage {
  const out = new Uint8Array(width * height * 3)
  warpInto(img, m, width, height, opts, (o, r, g, b) => {
    out[o] = r + 0.5
    out[o + 1] = g + 0.5
    out[o + 2] = b + 0.5
  })
  return { width, height, data: out }
}

/**
 * Warps straight into a normalised float tensor ((pixel/255 - mean)/std), NCHW or NHWC, RGB or BGR: no RGB crop is
 * materialised first.
 */
export function warpToTensor(img: RgbImage, m: Affine, width: number, height: number, opts: TensorWarpOptions): Float32Array {
  const n = width * height
  const base = opts.offset ?? 0
  const out = opts.out ?? new Float32Array(base + n * 3)
  if (out.length < base + n * 3) {
    throw new HeirloomError('INVALID_REQUEST', `Tensor buffer too small: need ${base + n * 3}, have ${out.length}.`)
  }
  const scale = [0, 1, 2].map((c) => 1 / (255 * opts.std[c]!))
  const bias = [0, 1, 2].map((c) => -opts.mean[c]! / opts.std[c]!)
  const bgr = opts.channels === 'BGR'
  // Output slot of source channel c (R, G, B) after the optional swap.
  const slot0 = bgr ? 2 : 0
  const slot2 = bgr ? 0 : 2
  // mean/std are given in the tensor's channel order, so R uses the statistics of the slot it lands in.
  const s0 = scale[slot0]!
  const s1 = scale[1]!
  const s2 = scale[slot2]!
  const b0 = bias[slot0]!
  const b1 = bias[1]!
  const b2 = bias[slot2]!
  if ((opts.layout ?? 'NCHW') === 'NCHW' && (opts.border ?? 'constant') === 'constant') {
    warpToPlanes(img, m, width, height, opts.fill ?? DEFAULT_FILL, out, base + slot0 * n, base + n, base + slot2 * n, [s0, s1, s2], [b0, b1, b2])
  } else if ((opts.layout ?? 'NCHW') === 'NCHW') {
    const p0 = base + slot0 * n
    const p1 = base + n
    const p2 = base + slot2 * n
    warpInto(img, m, width, height, opts, (o, r, g, b) => {
      const i = o / 3
      out[p0 + i] = r * s0 + b0
      out[p1 + i] = g * s1 + b1
      out[p2 + i] = b * s2 + b2
    })
  } else {
    warpInto(img, m, width, height, opts, (o, r, g, b) => {
      const i = base + o
      out[i + slot0] = r * s0 + b0
      out[i + 1] = g * s1 + b1
      out[i + slot2] = b * s2 + b2
    })
  }
  return out
}

/** Core bilinear loop; `emit(o, r, g, b)` receives the interleaved destination offset and float channel values. */
function warpInto(
  img: RgbImage,
  m: Affine,
  width: number,
  height: number,
  opts: WarpOptions,
  emit: (o: number, r: number, g: number, b: number) => void
): void {
  checkSize(img, width, height)
  const inv = invertAffine(m)
  const src = img.data
  const w = img.width
  const h = img.height
  const replicate = opts.border === 'replicate'
  const fill = opts.fill ?? DEFAULT_FILL
  const rgb = new Float64Array(3)
  const [ia, ib, ic, id, ie, iff] = inv
  const stride = w * 3
  let o = 0
  for (let y = 0; y < height; y++) {
    const rowX = ib * y + ic
    const rowY = ie * y + iff
    for (let x = 0; x < width; x++, o += 3) {
      const sx = ia * x + rowX
      const sy = id * x + rowY
      if (!(sx > -MAX_COORD && sx < MAX_COORD && sy > -MAX_COORD && sy < MAX_COORD)) {
        if (replicate) {
          const cx = sx > 0 ? w - 1 : 0
          const cy = sy > 0 ? h - 1 : 0
          const i = (cy * w + cx) * 3
          emit(o, src[i]!, src[i + 1]!, src[i + 2]!)
        } else emit(o, fill[0]!, fill[1]!, fill[2]!)
        continue
      }
      const qx = Math.round(sx * SUBPIX)
      const qy = Math.round(sy * SUBPIX)
      const x0 = qx >> SUBPIX_BITS
      const y0 = qy >> SUBPIX_BITS
      if (x0 >= 0 && y0 >= 0 && x0 < w - 1 && y0 < h - 1) {
        const fx = (qx & (SUBPIX - 1)) / SUBPIX
        const fy = (qy & (SUBPIX - 1)) / SUBPIX
        const i = y0 * stride + x0 * 3
        const j = i + stride
        const w00 = (1 - fx) * (1 - fy)
        const w01 = fx * (1 - fy)
        const w10 = (1 - fx) * fy
        const w11 = fx * fy
        emit(
          o,
          w00 * src[i]! + w01 * src[i + 3]! + w10 * src[j]! + w11 * src[j + 3]!,
          w00 * src[i + 1]! + w01 * src[i + 4]! + w10 * src[j + 1]! + w11 * src[j + 4]!,
          w00 * src[i + 2]! + w01 * src[i + 5]! + w10 * src[j + 2]! + w11 * src[j + 5]!
        )
      } else {
        sampleSlow(src, w, h, qx, qy, replicate, fill, rgb)
        emit(o, rgb[0]!, rgb[1]!, rgb[2]!)
      }
    }
  }
}

/** The common model-input case (NCHW, constant border) as one closure-free loop: it runs once per face per model. */
function warpToPlanes(
  img: RgbImage,
  m: Affine,
  width: number,
  height: number,
  fill: readonly number[],
  out: Float32Array,
  p0: number,
  p1: number,
  p2: number,
  scale: readonly number[],
  bias: readonly number[]
): void {
  checkSize(img, width, height)
  const [ia, ib, ic, id, ie, iff] = invertAffine(m)
  const src = img.data
  const w = img.width
  const h = img.height
  const stride = w * 3
  const rgb = new Float64Array(3)
  const s0 = scale[0]!
  const s1 = scale[1]!
  const s2 = scale[2]!
  const b0 = bias[0]!
  const b1 = bias[1]!
  const b2 = bias[2]!
  let i = 0
  for (let y = 0; y < height; y++) {
    const rowX = ib * y + ic
    const rowY = ie * y + iff
    for (let x = 0; x < width; x++, i++) {
      const sx = ia * x + rowX
      const sy = id * x + rowY
      let r: number
      let g: number
      let b: number
      if (!(sx > -MAX_COORD && sx < MAX_COORD && sy > -MAX_COORD && sy < MAX_COORD)) {
        r = fill[0]!
        g = fill[1]!
        b = fill[2]!
      } else {
        const qx = Math.round(sx * SUBPIX)
        const qy = Math.round(sy * SUBPIX)
        const x0 = qx >> SUBPIX_BITS
        const y0 = qy >> SUBPIX_BITS
        if (x0 >= 0 && y0 >= 0 && x0 < w - 1 && y0 < h - 1) {
          const fx = (qx & (SUBPIX - 1)) / SUBPIX
          const fy = (qy & (SUBPIX - 1)) / SUBPIX
          const k = y0 * stride + x0 * 3
          const j = k + stride
          const w00 = (1 - fx) * (1 - fy)
          const w01 = fx * (1 - fy)
          const w10 = (1 - fx) * fy
          const w11 = fx * fy
          r = w00 * src[k]! + w01 * src[k + 3]! + w10 * src[j]! + w11 * src[j + 3]!
          g = w00 * src[k + 1]! + w01 * src[k + 4]! + w10 * src[j + 1]! + w11 * src[j + 4]!
          b = w00 * src[k + 2]! + w01 * src[k + 5]! + w10 * src[j + 2]! + w11 * src[j + 5]!
        } else {
          sampleSlow(src, w, h, qx, qy, false, fill, rgb)
          r = rgb[0]!
          g = rgb[1]!
          b = rgb[2]!
        }
      }
      out[p0 + i] = r * s0 + b0
      out[p1 + i] = g * s1 + b1
      out[p2 + i] = b * s2 + b2
    }
  }
}
