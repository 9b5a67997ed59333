import type { BoxXYWH } from '../../../../shared/faces'
import { clampBox, expandBox } from '../../geometry/boxes'
import type { RgbImage } from '../../image/types'
import { HeirloomError } from '../../errors'
import { cropRgb } from './crop-rgb'

/** The box grown by `margin` on each side, clipped to the image, as a copy plus its offset in the image. */
export function padCrop(
  img: RgbImage,
  box: BoxXYWH,
  margin: number
): { crop: RgbImage; offsetX: number; offsetY: number } {
  const c = clampBox(expandBox(box, margin), img.width, img.height)
  const x0 = Math.floor(c[0])
  const y0 = Math.floor(c[1])
  const x1 = Math.min(img.width, Math.ceil(c[0] + c[2]))
  const y1 = Math.min(img.height, Math.ceil(c[1] + c[3]))
  if (x1 - x0 < 2 || y1 - y0 < 2) throw new HeirloomError('INVALID_REQUEST', 'The face box lies outside the image.')
  return { crop: cropRgb(img, [x0, y0, x1 - x0, y1 - y0]), offsetX: x0, offsetY: y0 }
}
