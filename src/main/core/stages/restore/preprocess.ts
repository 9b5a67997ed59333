import { alignAffine } from '../../geometry/templates'
import type { Affine, Landmarks5 } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { warpToTensor } from '../../warp/crop'
import type { RestorerSpec } from './contract'

/** Image -> crop similarity for this restorer's template and crop size. */
export function restoreAffine(landmarks: Landmarks5, spec: RestorerSpec): Affine {
  return alignAffine(landmarks, spec.template, spec.cropSize)
}

/** Warps the face straight into the model's normalised input tensor (facexlib's grey border). */
export function restoreInputTensor(img: RgbImage, affine: Affine, spec: RestorerSpec): Float32Array {
  return warpToTensor(img, affine, spec.cropSize, spec.cropSize, {
    channels: spec.channels,
    mean: spec.mean,
    std: spec.std,
    layout: spec.layout,
    border: 'constant'
  })
}
