import type { BoxXYWH } from '../../../../shared/faces'
import type { RgbImage } from '../../image/types'

/** Copies an integer rectangle out of an image (rows are contiguous, so this is a few memcpy calls). */
export function cropRgb(img: RgbImage, box: BoxXYWH): RgbImage {
  const [x, y, w, h] = box
  const out = new Uint8Array(w * h * 3)
  for (let r = 0; r < h; r++) {
    const start = ((y + r) * img.width + x) * 3
    out.set(img.data.subarray(start, start + w * 3), r * w * 3)
  }
  return { width: w, height: h, data: out }
}
