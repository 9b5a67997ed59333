import { invertAffine, scaleAffineOutput, translateAffineOutput } from '../geometry/affine'
import type { Affine } from '../geometry/types'

/**
 * The image -> crop affine re-targeted at a photo upscaled by `s`, the way facexlib does it: the inverse affine is
 * multiplied by s and shifted by 0.5*s when s > 1 (NOTE: facexlib's offset, kept so pastes land where GFPGAN's do).
 */
export function affineForScale(m: Affine, s: number): Affine {
  if (s === 1) return m
  const inv = scaleAffineOutput(invertAffine(m), s)
  return invertAffine(translateAffineOutput(inv, 0.5 * s, 0.5 * s))
}
