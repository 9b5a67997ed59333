import type { Affine } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { warpToTensor } from '../../warp/crop'
import { ageChannelValue } from './calibration'

/** StyleGAN encoders and StyleGANEX take RGB scaled to [-1,1]: (x/255 - 0.5) / 0.5. */
const HALF: [number, number, number] = [0.5, 0.5, 0.5]

export const ENCODER_SIZE = 256
export const GENERATOR_SIZE = 1024

/**
 * Aligned crop as NCHW [1,3,size,size] in [-1,1]. The border is replicated: FFHQ quads of faces near the photo
 * edge reach outside it, and a flat grey fill would be encoded as part of the face.
 */
export function faceTensor(img: RgbImage, m: Affine, size: number, out?: Float32Array): Float32Array {
  return warpToTensor(img, m, size, size, { channels: 'RGB', mean: HALF, std: HALF, border: 'replicate', out })
}

/** SAM input: the 256 crop plus a 4th plane filled with target_age / 100. */
export function samTensor(img: RgbImage, m: Affine, targetAge: number): Float32Array {
  const plane = ENCODER_SIZE * ENCODER_SIZE
  const out = new Float32Array(4 * plane)
  faceTensor(img, m, ENCODER_SIZE, out)
  out.fill(ageChannelValue(targetAge), 3 * plane)
  return out
}

/** The first three planes of a SAM tensor (what the pretrained pSp encoder sees). */
export function rgbPlanes(samInput: Float32Array): Float32Array {
  return samInput.subarray(0, 3 * ENCODER_SIZE * ENCODER_SIZE)
}
