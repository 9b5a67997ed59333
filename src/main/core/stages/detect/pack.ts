import type { RgbImage } from '../../image/types'

export interface PackOptions {
  channels: 'RGB' | 'BGR'
  /** value = (pixel - mean) * scale, per channel in model channel order. */
  mean: readonly [number, number, number]
  scale: number
  layout?: 'NCHW' | 'NHWC'
  /** Value of the padding (model units); default 0. */
  padValue?: number
}

/**
 * Packs an image top-left into a padded inputW x inputH float tensor. Hand-written because it is a single pass with
 * no resampling: sharp has no float/planar output and warpToTensor would interpolate needlessly.
 */
export function packTensor(img: RgbImage, inputW: number, inputH: number, opts: PackOptions): Float32Array {
  const out = new Float32Array(3 * inputW * inputH)
  const w = Math.min(img.width, inputW)
  const h = Math.min(img.height, inputH)
  // A plain Uint8Array view keeps the loops monomorphic when a Buffer is passed.
  const src = new Uint8Array(img.data.buffer, img.data.byteOffset, img.width * img.height * 3)
  const swap = opts.channels === 'BGR'
  // Source channel c (R, G, B) lands in tensor channel slot[c] and uses that slot's mean.
  const slot = swap ? [2, 1, 0] : [0, 1, 2]
  const mean = slot.map((t) => opts.mean[t])
  if ((opts.layout ?? 'NCHW') === 'NCHW') {
    const plane = inputW * inputH
    packPlanes(src, img.width, w, h, out, inputW, slot[0] * plane, slot[1] * plane, slot[2] * plane, mean, opts.scale)
  } else {
    packInterleaved(src, img.width, w, h, out, inputW, slot, mean, opts.scale)
  }
  if (opts.padValue) padOutside(out, inputW, inputH, w, h, (opts.layout ?? 'NCHW') === 'NCHW', opts.padValue)
  return out
}

/**
 * Three plane rows from one interleaved source row; four pixels (12 bytes) come in as three 32-bit reads, which
 * V8 runs ~1.7x faster than twelve byte loads.
 */
function packPlanes(
  src: Uint8Array,
  srcW: number,
  w: number,
  h: number,
  out: Float32Array,
  inputW: number,
  pR: number,
  pG: number,
  pB: number,
  mean: readonly number[],
  s: number
): void {
  const [mR, mG, mB] = mean as [number, number, number]
  const view = new DataView(src.buffer, src.byteOffset, src.length)
  for (let y = 0; y < h; y++) {
    const r = pR + y * inputW
    const g = pG + y * inputW
    const b = pB + y * inputW
    let x = 0
    let si = y * srcW * 3
    for (; x + 4 <= w; x += 4, si += 12) {
      const a0 = view.getUint32(si, true)
      const a1 = view.getUint32(si + 4, true)
      const a2 = view.getUint32(si + 8, true)
      out[r + x] = ((a0 & 255) - mR) * s
      out[g + x] = (((a0 >>> 8) & 255) - mG) * s
      out[b + x] = (((a0 >>> 16) & 255) - mB) * s
      out[r + x + 1] = ((a0 >>> 24) - mR) * s
      out[g + x + 1] = ((a1 & 255) - mG) * s
      out[b + x + 1] = (((a1 >>> 8) & 255) - mB) * s
      out[r + x + 2] = (((a1 >>> 16) & 255) - mR) * s
      out[g + x + 2] = ((a1 >>> 24) - mG) * s
      out[b + x + 2] = ((a2 & 255) - mB) * s
      out[r + x + 3] = (((a2 >>> 8) & 255) - mR) * s
      out[g + x + 3] = (((a2 >>> 16) & 255) - mG) * s
      out[b + x + 3] = ((a2 >>> 24) - mB) * s
    }
    for (; x < w; x++, si += 3) {
      out[r + x] = (src[si] - mR) * s
      out[g + x] = (src[si + 1] - mG) * s
      out[b + x] = (src[si + 2] - mB) * s
    }
  }
}

function packInterleaved(
  src: Uint8Array,
  srcW: number,
  w: number,
  h: number,
  out: Float32Array,
  inputW: number,
  slot: readonly number[],
  mean: readonly number[],
  s: number
): void {
  const [oR, oG, oB] = slot
  const [mR, mG, mB] = mean
  for (let y = 0; y < h; y++) {
    for (let x = 0, si = y * srcW * 3, di = y * inputW * 3; x < w; x++, si += 3, di += 3) {
      out[di + oR] = (src[si] - mR) * s
      out[di + oG] = (src[si + 1] - mG) * s
      out[di + oB] = (src[si + 2] - mB) * s
    }
  }
}

/** Fills only the right and bottom padding (the image area is written by the pack loops). */
function padOutside(
  out: Float32Array,
  inputW: number,
  inputH: number,
  w: number,
  h: number,
  nchw: boolean,
  v: number
): void {
  const plane = inputW * inputH
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < inputH; y++) {
      const from = y < h ? w : 0
      if (nchw) out.fill(v, c * plane + y * inputW + from, c * plane + (y + 1) * inputW)
      else for (let x = from; x < inputW; x++) out[(y * inputW + x) * 3 + c] = v
    }
  }
}
