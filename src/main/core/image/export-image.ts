import type { BoxXYWH } from '../../../shared/faces'
import { HeirloomError } from '../errors'
import { resizeRgb } from './resize'
import type { RgbImage } from './types'

/** Integer pixel rectangle of `box` (image pixels, may be fractional or reach outside) clamped to the image. */
export function clampCropRect(
  box: BoxXYWH,
  width: number,
  height: number
): { x: number; y: number; w: number; h: number } {
  const x0 = Math.max(0, Math.min(width, Math.round(box[0])))
  const y0 = Math.max(0, Math.min(height, Math.round(box[1])))
  const x1 = Math.max(0, Math.min(width, Math.round(box[0] + box[2])))
  const y1 = Math.max(0, Math.min(height, Math.round(box[1] + box[3])))
  if (x1 - x0 < 1 || y1 - y0 < 1) throw new HeirloomError('INVALID_REQUEST', 'The crop lies outside the photo.')
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
}

/** Copies a rectangle out of an RGB image (row copies; sharp would need an encode round trip). */
export function cropRgb(img: RgbImage, box: BoxXYWH): RgbImage {
  const r = clampCropRect(box, img.width, img.height)
  const data = new Uint8Array(r.w * r.h * 3)
  for (let y = 0; y < r.h; y++) {
    const src = ((r.y + y) * img.width + r.x) * 3
    data.set(img.data.subarray(src, src + r.w * 3), y * r.w * 3)
  }
  return { width: r.w, height: r.h, data }
}

/** Before | after in one image with a thin neutral gutter; both halves must have the same size. */
export function sideBySide(before: RgbImage, after: RgbImage, gutter = 8): RgbImage {
  if (before.width !== after.width || before.height !== after.height) {
    throw new HeirloomError('INTERNAL', 'Before/after halves differ in size.')
  }
  const width = before.width * 2 + gutter
  const { height } = before
  const data = new Uint8Array(width * height * 3).fill(255)
  const row = before.width * 3
  for (let y = 0; y < height; y++) {
    data.set(before.data.subarray(y * row, (y + 1) * row), y * width * 3)
    data.set(after.data.subarray(y * row, (y + 1) * row), (y * width + before.width + gutter) * 3)
  }
  return { width, height, data }
}

export async function scaleRgb(img: RgbImage, scale: number): Promise<RgbImage> {
  if (scale === 1) return img
  const w = Math.max(1, Math.round(img.width * scale))
  const h = Math.max(1, Math.round(img.height * scale))
  return resizeRgb(img, w, h, 'lanczos3')
}
