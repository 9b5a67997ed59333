import type { Face } from '../../../../shared/faces'
import type { TemplateId } from '../../../../shared/model-manifest'
import type { RgbImage } from '../../image/types'
import type { Affine } from '../../geometry/types'
import { alignedCrop } from './aligned'
import { plainCrop } from './plain'

export { alignedCrop, ALIGNED_SIZES, type AlignedCrop } from './aligned'
export { plainCrop, type PlainCrop } from './plain'
export { ASPECT_PRESETS, aspectCropBox, parseAspect, outputSize, type AspectPreset } from './aspect'
export { saveCrop, type SaveCropOptions } from './export'

export type CropOptions =
  | { mode: 'aligned'; size?: number; template?: TemplateId }
  | { mode: 'aspect'; aspect?: string; margin?: number; size?: number }

/** One face -> one crop image, aligned to a template or a plain aspect-ratio crop. */
export function cropFace(img: RgbImage, face: Face, opts: CropOptions): { image: RgbImage; affine: Affine } {
  if (opts.mode === 'aligned') return alignedCrop(img, face.landmarks, opts.size ?? 512, opts.template ?? 'ffhq_512')
  return plainCrop(img, face.box, opts)
}
