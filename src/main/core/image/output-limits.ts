import { HeirloomError } from '../errors'
import type { OutputFormat } from './encode'

/**
 * The encoder takes our raw pixels through sharp, whose default input limit is 0x3FFF * 0x3FFF pixels; past it the
 * encode fails ("Input image exceeds pixel limit") after all the model work is done.
 */
export const ENCODER_MAX_PIXELS = 0x3fff * 0x3fff

/** Largest side each container can hold (JPEG: 16-bit sizes; WebP: 14-bit). */
const MAX_SIDE: Record<OutputFormat, number> = { jpeg: 65_535, webp: 16_383, png: 2_147_483_647, tiff: 4_294_967_295 }

function fits(width: number, height: number, format: OutputFormat | undefined): boolean {
  if (width * height > ENCODER_MAX_PIXELS) return false
  return !format || Math.max(width, height) <= MAX_SIDE[format]
}

/** The largest of `scales` whose output the encoder can write (0 when none fits). */
export function largestScaleThatFits(
  width: number,
  height: number,
  format?: OutputFormat,
  scales: readonly number[] = [1, 2, 4]
): number {
  return Math.max(0, ...scales.filter((s) => fits(width * s, height * s, format)))
}

/**
 * Refuses, before any work, an output scale whose result the encoder cannot write (TOO_LARGE), naming the largest
 * scale that fits.
 */
export function checkOutputSize(width: number, height: number, scale: number, format?: OutputFormat): void {
  const w = width * scale
  const h = height * scale
  if (fits(w, h, format)) return
  const best = largestScaleThatFits(
    width,
    height,
    format,
    [1, 2, 4].filter((s) => s < scale)
  )
  const why =
    w * h > ENCODER_MAX_PIXELS
      ? `${((w * h) / 1e6).toFixed(0)} MP, over the encoder's ${(ENCODER_MAX_PIXELS / 1e6).toFixed(0)} MP limit`
      : `a ${Math.max(w, h)} px side, over ${format?.toUpperCase()}'s ${MAX_SIDE[format!]} px limit`
  throw new HeirloomError(
    'TOO_LARGE',
    `Upscaling this ${width}x${height} photo x${scale} would make a ${w}x${h} image (${why}). ` +
      (best >= 2
        ? `The largest scale that fits is x${best}.`
        : best === 1
          ? 'Only x1 (no upscale) fits.'
          : 'It cannot be written at all.')
  )
}
