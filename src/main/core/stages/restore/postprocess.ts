import type { Affine } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { warpAffineRgb } from '../../warp/crop'
import { keepGrayscale, matchColorMeanStd } from '../../warp/colour'
import { tensorToRgb } from '../../warp/tensor'
import type { RestorerSpec } from './contract'
import type { RestorerOutput } from './run'

/** Model output -> 8-bit RGB crop (clipped to the output range, channel order and layout from the contract). */
export function restoredCrop(out: RestorerOutput, spec: RestorerSpec): RgbImage {
  return tensorToRgb(out.data, out.width, out.height, {
    range: spec.outputRange,
    channels: spec.channels,
    layout: spec.layout
  })
}

/**
 * Weights of the central face area of an ffhq-aligned crop (cheeks, nose, forehead; not hair or background), where
 * skin tone is measured for the colour transfer.
 */
export function skinMask(size: number): Float32Array {
  const m = new Float32Array(size * size)
  const cx = 0.5 * size
  const cy = 0.56 * size
  const rx = 0.24 * size
  const ry = 0.3 * size
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2
      m[y * size + x] = d < 1 ? 1 : 0
    }
  }
  return m
}

export interface ColourSafeguards {
  /** The photo is grayscale: the face must stay gray. */
  grayscale: boolean
  /** Match the restored face's colour statistics to the original face's skin. */
  colorTransfer: boolean
}

/**
 * Colour safeguards after the model: optional mean/std transfer against the same crop of the input photo (so the face
 * keeps the photo's tone), then forced gray for grayscale photos. `affine` maps the image to this crop.
 */
export function applyColourSafeguards(
  crop: RgbImage,
  source: RgbImage,
  affine: Affine,
  opts: ColourSafeguards
): RgbImage {
  let out = crop
  if (opts.colorTransfer) {
    const ref = warpAffineRgb(source, affine, crop.width, crop.height, { border: 'replicate' })
    out = matchColorMeanStd(crop, ref, skinMask(crop.width))
  }
  if (opts.grayscale) {
    if (out === crop) out = { width: crop.width, height: crop.height, data: crop.data.slice() }
    keepGrayscale(out)
  }
  return out
}
