import type { BoxXYWH } from '../../../../shared/faces'

/** One byte per pixel, the photo's size; non-zero = damaged (the same convention as mask PNGs on the CLI). */
export interface DamageMask {
  width: number
  height: number
  data: Uint8Array
}

export type DamageKind = 'scratch' | 'dust' | 'tear'

/** A connected piece of the detected mask, in image pixels. */
export interface DamageRegion {
  kind: DamageKind
  box: BoxXYWH
  /** Masked pixels of this region. */
  area: number
}

export interface DamageResult {
  mask: DamageMask
  regions: DamageRegion[]
  /** Masked pixels as % of the photo. */
  areaPercent: number
  /** Analysis ran on a copy downscaled by this factor (1 = full resolution). */
  analysisScale: number
}

export interface DetectDamageOptions {
  /** 0 (only obvious damage) .. 1 (everything that might be damage); default 0.5. */
  sensitivity?: number
  signal?: AbortSignal
}

/** Manifest id of OpenCV Zoo's LaMa export. */
export const LAMA_MODEL_ID = 'lama-2025jan'

export const REPAIR_METHODS = ['classic', 'lama'] as const
export type RepairMethod = (typeof REPAIR_METHODS)[number]

export function maskArea(mask: DamageMask): number {
  let n = 0
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] !== 0) n++
  return n
}
