import type { RgbImage } from './types'

/** True when every pixel has R, G and B within `tolerance` of each other (JPEG chroma noise needs a little slack). */
export function isGrayscaleImage(img: RgbImage, tolerance = 2): boolean {
  const d = img.data
  const n = img.width * img.height * 3
  for (let i = 0; i < n; i += 3) {
    const r = d[i]
    const g = d[i + 1]
    const b = d[i + 2]
    if (r - g > tolerance || g - r > tolerance || r - b > tolerance || b - r > tolerance) return false
  }
  return true
}

/** Replaces each pixel by its Rec.601 luma (as libvips/JPEG do) in all three channels. */
export function toGrayscaleInPlace(img: RgbImage): void {
  const d = img.data
  const n = img.width * img.height * 3
  for (let i = 0; i < n; i += 3) {
    // 0.299 / 0.587 / 0.114 in 16-bit fixed point.
    const y = (19595 * d[i] + 38470 * d[i + 1] + 7471 * d[i + 2] + 32768) >> 16
    d[i] = y
    d[i + 1] = y
    d[i + 2] = y
  }
}
