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
  const { width, height, data } = img
  const out = new Float32Array(3 * inputW * inputH)
  if (opts.padValue) out.fill(opts.padValue)
  const plane = inputW * inputH
  const swap = opts.channels === 'BGR'
  const [m0, m1, m2] = opts.mean
  const s = opts.scale
  const w = Math.min(width, inputW)
  const h = Math.min(height, inputH)
  if ((opts.layout ?? 'NCHW') === 'NCHW') {
    // Where R and B land, and their means (given in model channel order).
    const oR = swap ? 2 * plane : 0
    const oB = swap ? 0 : 2 * plane
    const mR = swap ? m2 : m0
    const mB = swap ? m0 : m2
    for (let y = 0; y < h; y++) {
      let si = y * width * 3
      const row = y * inputW
      for (let x = 0; x < w; x++, si += 3) {
        const di = row + x
        out[oR + di] = (data[si] - mR) * s
        out[plane + di] = (data[si + 1] - m1) * s
        out[oB + di] = (data[si + 2] - mB) * s
      }
    }
  } else {
    for (let y = 0; y < h; y++) {
      let si = y * width * 3
      let di = y * inputW * 3
      for (let x = 0; x < w; x++, si += 3, di += 3) {
        const r = data[si]
        const b = data[si + 2]
        out[di] = ((swap ? b : r) - m0) * s
        out[di + 1] = (data[si + 1] - m1) * s
        out[di + 2] = ((swap ? r : b) - m2) * s
      }
    }
  }
  return out
}
