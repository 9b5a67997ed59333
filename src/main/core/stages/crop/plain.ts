import type { BoxXYWH } from '../../../../shared/faces'
import { HeirloomError } from '../../errors'
import type { Affine } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { DEFAULT_FILL, warpAffineRgb } from '../../warp/crop'
import { aspectCropBox, outputSize, parseAspect } from './aspect'

export interface PlainCrop {
  image: RgbImage
  /** Image -> crop transform. */
  affine: Affine
  /** The rectangle taken from the image (may extend past its edges; the outside is filled grey). */
  box: BoxXYWH
}

/** Axis-aligned crop around a face box at an aspect ratio with a margin, scaled so its long side is `size` px. */
export function plainCrop(
  img: RgbImage,
  face: BoxXYWH,
  opts: { aspect?: string; margin?: number; size?: number } = {}
): PlainCrop {
  const size = opts.size ?? 512
  if (!Number.isInteger(size) || size < 16 || size > 8192) {
    throw new HeirloomError('INVALID_REQUEST', `Crop size must be an integer between 16 and 8192 (got ${size}).`)
  }
  const box = aspectCropBox(face, parseAspect(opts.aspect ?? '1:1'), opts.margin ?? 0.4)
  const out = outputSize(box, size)
  const kx = out.width / box[2]
  const ky = out.height / box[3]
  // Pixel-centre convention: output pixel i samples image x = box.x + (i + 0.5) / k - 0.5.
  const affine: Affine = [kx, 0, -box[0] * kx + 0.5 * kx - 0.5, 0, ky, -box[1] * ky + 0.5 * ky - 0.5]
  return {
    image: warpAffineRgb(img, affine, out.width, out.height, { border: 'constant', fill: DEFAULT_FILL }),
    affine,
    box
  }
}
