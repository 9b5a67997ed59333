import { HeirloomError } from '../../errors'
import type { RgbImage } from '../../image/types'
import type { ModelSession } from '../../runtime/types'
import { inpaintClassic, type ClassicAlgorithm } from './inpaint-classic'
import { inpaintLama } from './inpaint-lama'
import { maskArea, type DamageMask, type RepairMethod } from './types'

/** Masks covering more than this share of the photo are refused unless forced (a wrong mask, not damage). */
export const MAX_MASK_SHARE = 0.6

export interface RepairOptions {
  method?: RepairMethod
  /** `classic` only: Telea (default) or Navier-Stokes. */
  algorithm?: ClassicAlgorithm
  /** Required for `lama`: an open session of the LaMa model. */
  session?: ModelSession
  /** Repair even when the mask covers more than 60 % of the photo. */
  force?: boolean
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

export interface RepairResult {
  image: RgbImage
  /** Masked pixels, and as % of the photo. */
  maskedPixels: number
  maskedPercent: number
  /** False when the mask was empty: `image` is the input, untouched. */
  changed: boolean
}

/** A mask of another size than its photo, said plainly (the reason lets each front end word the fix). */
export function maskSizeError(
  mask: { width: number; height: number },
  image: { width: number; height: number }
): HeirloomError {
  return new HeirloomError(
    'INVALID_REQUEST',
    `The mask is ${mask.width}x${mask.height} but the photo is ${image.width}x${image.height}; a mask must have the photo's size.`,
    {
      reason: 'mask-size',
      fields: { maskWidth: mask.width, maskHeight: mask.height, width: image.width, height: image.height }
    }
  )
}

/** Checks a mask against its photo: same size, not more than 60 % unless forced. */
export function checkMask(image: RgbImage, mask: DamageMask, force = false): number {
  if (mask.width !== image.width || mask.height !== image.height || mask.data.length !== image.width * image.height) {
    throw maskSizeError(mask, image)
  }
  const area = maskArea(mask)
  if (!force && area > MAX_MASK_SHARE * image.width * image.height) {
    const percent = Number(((100 * area) / (image.width * image.height)).toFixed(1))
    throw new HeirloomError(
      'INVALID_REQUEST',
      `The mask covers ${percent.toFixed(1)} % of the photo (more than ${MAX_MASK_SHARE * 100} %): that is not damage to repair. Check the mask, or force it.`,
      { reason: 'mask-too-large', fields: { percent } }
    )
  }
  return area
}

/** Inpaints the masked pixels of `image` (a pure function of its inputs; the input is never modified). */
export async function repair(image: RgbImage, mask: DamageMask, opts: RepairOptions = {}): Promise<RepairResult> {
  const area = checkMask(image, mask, opts.force)
  const maskedPercent = (100 * area) / (image.width * image.height)
  if (area === 0) return { image, maskedPixels: 0, maskedPercent: 0, changed: false }
  const method = opts.method ?? 'classic'
  let out: RgbImage
  if (method === 'lama') {
    if (!opts.session) throw new HeirloomError('INVALID_REQUEST', 'LaMa repair needs the LaMa model session.')
    out = await inpaintLama(opts.session, image, mask, { signal: opts.signal, onWindow: opts.onProgress })
  } else {
    out = await inpaintClassic(image, mask, {
      algorithm: opts.algorithm,
      signal: opts.signal,
      onTile: opts.onProgress
    })
  }
  return { image: out, maskedPixels: area, maskedPercent, changed: true }
}
