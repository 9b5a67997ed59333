import type { Landmarks5 } from '../../../../shared/faces'
import type { TemplateId } from '../../../../shared/model-manifest'
import { HeirloomError } from '../../errors'
import { alignAffine } from '../../geometry/templates'
import type { Affine } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { DEFAULT_FILL, warpAffineRgb } from '../../warp/crop'

export const ALIGNED_SIZES = [256, 512, 1024] as const

export interface AlignedCrop {
  image: RgbImage
  /** Image -> crop transform (invert it to paste back). */
  affine: Affine
}

/**
 * FFHQ-aligned square crop: similarity fit of the 5 landmarks to the template scaled to `size`, bilinear warp with
 * facexlib's constant grey border (matches the OpenCV goldens).
 */
export function alignedCrop(
  img: RgbImage,
  landmarks: Landmarks5,
  size = 512,
  template: TemplateId = 'ffhq_512'
): AlignedCrop {
  if (!Number.isInteger(size) || size < 16 || size > 4096) {
    throw new HeirloomError('INVALID_REQUEST', `Crop size must be an integer between 16 and 4096 (got ${size}).`)
  }
  const affine = alignAffine(landmarks, template, size)
  return { image: warpAffineRgb(img, affine, size, size, { border: 'constant', fill: DEFAULT_FILL }), affine }
}
