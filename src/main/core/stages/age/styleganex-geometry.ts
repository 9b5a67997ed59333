import type { Affine } from '../../geometry/types'
import type { Landmarks5, Point } from '../../../../shared/faces'
import { alignAffine } from '../../geometry/templates'
import { scaleAffineOutput } from '../../geometry/affine'

/** StyleGANEX-age (FaceFusion layout): `target` ffhq crop 256, `target_with_background` styleganex_384 at 384. */
export const STYLEGANEX_TARGET_SIZE = 256
export const STYLEGANEX_BACKGROUND_SIZE = 384
/** FaceFusion's export: 4x the 384 crop. The real size is read from each graph's output. */
export const STYLEGANEX_OUTPUT_SIZE = 1536
/** FaceFusion shrinks the landmarks about the nose so the 384 crop carries more hair and background. */
export const STYLEGANEX_LANDMARK_SCALE = 0.875

/** Landmarks scaled by `s` about the nose tip (point 2). */
export function scaleLandmarksAboutNose(lm: Landmarks5, s: number): Landmarks5 {
  const [nx, ny] = lm[2]
  const scale = (p: Point): Point => [nx + (p[0] - nx) * s, ny + (p[1] - ny) * s]
  return [scale(lm[0]), scale(lm[1]), scale(lm[2]), scale(lm[3]), scale(lm[4])]
}

export interface StyleganexAffines {
  /** image -> ffhq crop at 256 (`target`). */
  target: Affine
  /** image -> styleganex_384 crop of the scaled landmarks (`target_with_background`). */
  background: Affine
  /** image -> the model output of side `outputSize`: the 384 transform scaled by outputSize/384 (used to paste). */
  output: Affine
}

export function styleganexAffines(lm: Landmarks5, outputSize = STYLEGANEX_OUTPUT_SIZE): StyleganexAffines {
  const target = alignAffine(lm, 'ffhq_512', STYLEGANEX_TARGET_SIZE)
  const background = alignAffine(
    scaleLandmarksAboutNose(lm, STYLEGANEX_LANDMARK_SCALE),
    'styleganex_384',
    STYLEGANEX_BACKGROUND_SIZE
  )
  return {
    target,
    background,
    output: scaleAffineOutput(background, outputSize / STYLEGANEX_BACKGROUND_SIZE)
  }
}
