import { scaleAffineOutput, translateAffineOutput } from '../../geometry/affine'
import type { Affine } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { resizeRgb } from '../../image/resize'
import { resizeAreaRgb } from '../../image/resize-area'
import { planarToRgb } from './colour-fit'
import { GENERATOR_SIZE } from './preprocess'

/** Smallest side a face region is pasted at (a tiny face still gets a smooth mask). */
export const MIN_PASTE_SIDE = 128

/** Generator output [3,1024,1024] in [-1,1] -> 8-bit RGB. */
export function generatorImage(data: Float32Array): RgbImage {
  return planarToRgb(data, GENERATOR_SIZE)
}

/**
 * Image -> crop affine after the crop (side A) is resized by s = B/A. libvips aligns pixel centres, so
 * x_B = (x_A + 0.5) * s - 0.5.
 */
export function resizedAffine(m: Affine, s: number): Affine {
  return translateAffineOutput(scaleAffineOutput(m, s), 0.5 * s - 0.5, 0.5 * s - 0.5)
}

/** The centred `fraction` of a square image and its offset. */
export function centreSquare(img: RgbImage, fraction: number): { img: RgbImage; offset: number } {
  if (fraction >= 1) return { img, offset: 0 }
  const side = Math.max(1, Math.round(img.width * fraction))
  const o = Math.floor((img.width - side) / 2)
  const data = new Uint8Array(side * side * 3)
  for (let y = 0; y < side; y++) {
    const from = ((y + o) * img.width + o) * 3
    data.set(img.data.subarray(from, from + side * 3), y * side * 3)
  }
  return { img: { width: side, height: side, data }, offset: o }
}

export interface PasteRegion {
  /** The region at the face's own resolution in the photo. */
  face: RgbImage
  /** Photo pixels -> `face` pixels. */
  affine: Affine
}

/**
 * The part of a square model output that goes back into the photo: its centred `fraction` (the rest is hair and
 * background the generator does not reproduce faithfully), resized to the resolution the face has in the photo
 * (no point pasting 1024 pixels over 300). `m` maps photo pixels -> output pixels.
 */
export async function pasteRegion(
  out: RgbImage,
  m: Affine,
  fraction: number,
  imagePixelsPerOutputPixel: number,
  filter: 'lanczos3' | 'area' = 'lanczos3'
): Promise<PasteRegion> {
  const centre = centreSquare(out, fraction)
  const side = centre.img.width
  const want = Math.max(Math.min(MIN_PASTE_SIDE, side), Math.min(side, Math.round(side * imagePixelsPerOutputPixel)))
  const inRegion = translateAffineOutput(m, -centre.offset, -centre.offset)
  if (want === side) return { face: centre.img, affine: inRegion }
  const face =
    filter === 'area' ? resizeAreaRgb(centre.img, want, want) : await resizeRgb(centre.img, want, want, filter)
  return { face, affine: resizedAffine(inRegion, want / side) }
}
