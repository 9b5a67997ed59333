import { translateAffineOutput } from '../../geometry/affine'
import type { Affine } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { resizeRgb } from '../../image/resize'
import { matchColorMeanStd } from '../../warp/colour'
import { warpAffineRgb } from '../../warp/crop'
import { tensorToRgb } from '../../warp/tensor'
import { GENERATOR_SIZE } from './preprocess'

export const MIN_PASTE_SIZE = 256

/**
 * Side of the crop the generated face is pasted at: the face's own resolution in the photo (no point pasting a
 * 1024 face over 300 pixels), at least 256, at most the generator's 1024.
 */
export function pasteSizeFor(cropSideInImagePixels: number): number {
  return Math.max(MIN_PASTE_SIZE, Math.min(GENERATOR_SIZE, Math.round(cropSideInImagePixels)))
}

/** Generator output [3,1024,1024] in [-1,1] -> 8-bit RGB. */
export function generatorImage(data: Float32Array): RgbImage {
  return tensorToRgb(data, GENERATOR_SIZE, GENERATOR_SIZE, { range: '[-1,1]' })
}

/**
 * Latent routes: the 1024 output resized to the paste crop and its colour statistics matched to the photo's own
 * crop (StyleGAN reconstructions drift in tint; old photos are sepia or faded and must stay so).
 */
export async function fitLatentOutput(raw: RgbImage, photo: RgbImage, m: Affine, size: number): Promise<RgbImage> {
  const resized = size === raw.width ? raw : await resizeRgb(raw, size, size, 'lanczos3')
  const original = warpAffineRgb(photo, m, size, size, { border: 'replicate' })
  return matchColorMeanStd(resized, original)
}


/**
 * The centred `fraction` of a square crop and its image -> sub-crop affine. The FFHQ quad is about four eye
 * distances wide, mostly hair and background that StyleGAN does not reconstruct faithfully; pasting only the
 * middle keeps the photo's own surroundings.
 */
export function centreRegion(face: RgbImage, m: Affine, fraction: number): { face: RgbImage; affine: Affine } {
  if (fraction >= 1) return { face, affine: m }
  const side = Math.max(1, Math.round(face.width * fraction))
  const o = Math.floor((face.width - side) / 2)
  const data = new Uint8Array(side * side * 3)
  for (let y = 0; y < side; y++) {
    const from = ((y + o) * face.width + o) * 3
    data.set(face.data.subarray(from, from + side * 3), y * side * 3)
  }
  return { face: { width: side, height: side, data }, affine: translateAffineOutput(m, -o, -o) }
}
