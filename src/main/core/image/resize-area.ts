import { HeirloomError } from '../errors'
import type { RgbImage } from './types'

/** Per output index: the source pixels it covers and their weights (overlap / footprint). */
function areaTaps(src: number, dst: number): { start: number; weights: Float32Array }[] {
  const s = src / dst
  const taps: { start: number; weights: Float32Array }[] = []
  for (let o = 0; o < dst; o++) {
    const lo = o * s
    const hi = Math.min(src, (o + 1) * s)
    const start = Math.floor(lo)
    const end = Math.min(src, Math.ceil(hi - 1e-9))
    const weights = new Float32Array(Math.max(1, end - start))
    for (let i = start; i < end; i++) weights[i - start] = (Math.min(hi, i + 1) - Math.max(lo, i)) / s
    taps.push({ start, weights })
  }
  return taps
}

/**
 * Downscale by pixel-area averaging, OpenCV's `INTER_AREA` (FaceFusion resizes StyleGANEX's output with it):
 * each output pixel is the area-weighted mean of the source pixels under it, so no ringing and no aliasing.
 * Written by hand because libvips (sharp) averages boxes only for the integer part of a shrink and finishes
 * with a kernel filter; this is exact for any ratio. Upscaling is not area filtering: use resizeRgb.
 */
export function resizeAreaRgb(img: RgbImage, width: number, height: number): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new HeirloomError('INVALID_REQUEST', `Resize target must be positive integers (got ${width}x${height}).`)
  }
  if (width > img.width || height > img.height) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Area filtering only shrinks (${img.width}x${img.height} -> ${width}x${height}).`
    )
  }
  if (width === img.width && height === img.height) return { width, height, data: img.data.slice() }
  const xt = areaTaps(img.width, width)
  const yt = areaTaps(img.height, height)
  // Horizontal pass into floats (source rows x output columns), then vertical.
  const mid = new Float32Array(img.height * width * 3)
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width * 3
    for (let x = 0; x < width; x++) {
      const { start, weights } = xt[x]
      let r = 0
      let g = 0
      let b = 0
      for (let k = 0; k < weights.length; k++) {
        const si = row + (start + k) * 3
        const w = weights[k]
        r += img.data[si] * w
        g += img.data[si + 1] * w
        b += img.data[si + 2] * w
      }
      const di = (y * width + x) * 3
      mid[di] = r
      mid[di + 1] = g
      mid[di + 2] = b
    }
  }
  const out = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    const { start, weights } = yt[y]
    for (let i = 0; i < width * 3; i++) {
      let v = 0
      for (let k = 0; k < weights.length; k++) v += mid[(start + k) * width * 3 + i] * weights[k]
      out[y * width * 3 + i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v)
    }
  }
  return { width, height, data: out }
}
