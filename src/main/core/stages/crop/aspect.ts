import type { BoxXYWH } from '../../../../shared/faces'
import { HeirloomError } from '../../errors'

/** Width:height presets; passport is the 35 x 45 mm ICAO photo. */
export const ASPECT_PRESETS = { '1:1': [1, 1], '4:5': [4, 5], '3:4': [3, 4], passport: [35, 45] } as const
export type AspectPreset = keyof typeof ASPECT_PRESETS

/** Parses a preset name or any "W:H" ratio into width / height. */
export function parseAspect(value: string): number {
  const preset = (ASPECT_PRESETS as Record<string, readonly [number, number]>)[value]
  if (preset) return preset[0] / preset[1]
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(value.trim())
  const w = m ? Number(m[1]) : NaN
  const h = m ? Number(m[2]) : NaN
  if (!(w > 0) || !(h > 0)) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Aspect must be one of ${Object.keys(ASPECT_PRESETS).join(', ')} or W:H (got "${value}").`
    )
  }
  return w / h
}

/**
 * The crop rectangle around a face box: the box grown by `margin` times its size on every side, then widened or
 * heightened (never shrunk) to the aspect ratio, centred on the face. May extend past the image (filled on export).
 */
export function aspectCropBox(face: BoxXYWH, aspect: number, margin: number): BoxXYWH {
  if (!(aspect > 0) || !Number.isFinite(aspect))
    throw new HeirloomError('INVALID_REQUEST', 'Aspect ratio must be positive.')
  if (!(margin >= 0) || margin > 10)
    throw new HeirloomError('INVALID_REQUEST', `Margin must be between 0 and 10 (got ${margin}).`)
  let w = face[2] * (1 + 2 * margin)
  let h = face[3] * (1 + 2 * margin)
  if (w / h < aspect) w = h * aspect
  else h = w / aspect
  const cx = face[0] + face[2] / 2
  const cy = face[1] + face[3] / 2
  return [cx - w / 2, cy - h / 2, w, h]
}

/** Output pixel size for a crop rectangle whose long side becomes `size` px. */
export function outputSize(box: BoxXYWH, size: number): { width: number; height: number } {
  const long = Math.max(box[2], box[3])
  return {
    width: Math.max(1, Math.round((box[2] / long) * size)),
    height: Math.max(1, Math.round((box[3] / long) * size))
  }
}
