/** PSNR and SSIM of two RGB images on luma, for repair measurements (written by hand: tests only, no library). */
import type { RgbImage } from '../../src/main/core/image/types'

function luma(img: RgbImage): Float64Array {
  const out = new Float64Array(img.width * img.height)
  for (let i = 0; i < out.length; i++) {
    out[i] = 0.299 * img.data[i * 3] + 0.587 * img.data[i * 3 + 1] + 0.114 * img.data[i * 3 + 2]
  }
  return out
}

/** PSNR in dB over all RGB samples. */
export function psnr(a: RgbImage, b: RgbImage): number {
  let se = 0
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i]
    se += d * d
  }
  const mse = se / a.data.length
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse)
}

/** Mean SSIM on luma over 8x8 windows with stride 4 (Wang et al. 2004 constants). */
export function ssim(a: RgbImage, b: RgbImage): number {
  const x = luma(a)
  const y = luma(b)
  const W = a.width
  const C1 = (0.01 * 255) ** 2
  const C2 = (0.03 * 255) ** 2
  let sum = 0
  let n = 0
  for (let by = 0; by + 8 <= a.height; by += 4) {
    for (let bx = 0; bx + 8 <= W; bx += 4) {
      let mx = 0
      let my = 0
      for (let j = 0; j < 8; j++) {
        for (let i = 0; i < 8; i++) {
          mx += x[(by + j) * W + bx + i]
          my += y[(by + j) * W + bx + i]
        }
      }
      mx /= 64
      my /= 64
      let vx = 0
      let vy = 0
      let cxy = 0
      for (let j = 0; j < 8; j++) {
        for (let i = 0; i < 8; i++) {
          const dx = x[(by + j) * W + bx + i] - mx
          const dy = y[(by + j) * W + bx + i] - my
          vx += dx * dx
          vy += dy * dy
          cxy += dx * dy
        }
      }
      vx /= 63
      vy /= 63
      cxy /= 63
      sum += ((2 * mx * my + C1) * (2 * cxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2))
      n++
    }
  }
  return sum / n
}
