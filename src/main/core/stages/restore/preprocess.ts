import { alignAffine } from '../../geometry/templates'
import type { Affine, Landmarks5 } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { warpToTensor } from '../../warp/crop'
import type { RestorerSpec } from './contract'

/** Image -> crop similarity for this restorer's template and crop size. */
export function restoreAffine(landmarks: Landmarks5, spec: RestorerSpec): Affine {
  return alignAffine(landmarks, spec.template, spec.cropSize)
}

/**
 * Warps the face straight into the model's normalised input tensor. Where the crop runs past the photo's edge (a
 * face cut by the frame) the border is replicated, as FaceFusion does (`cv2.BORDER_REPLICATE` in its
 * warp_face_by_face_landmark_5), not filled with facexlib's constant grey (132,133,135): the restorer then sees
 * skin and hair continuing instead of a flat grey slab, which it otherwise treats as part of the face and
 * answers with a hard edge or a grey cast along the frame, right where the paste lands (the part of the crop
 * outside the photo is never pasted, so the smear itself is never seen).
 */
export function restoreInputTensor(img: RgbImage, affine: Affine, spec: RestorerSpec): Float32Array {
  return warpToTensor(img, affine, spec.cropSize, spec.cropSize, {
    channels: spec.channels,
    mean: spec.mean,
    std: spec.std,
    layout: spec.layout,
    border: 'replicate'
  })
}
