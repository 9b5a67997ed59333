import { z } from 'zod'
import type { Engine } from '../../engine'
import { HeirloomError } from '../../errors'
import type { EditSession, HistoryEntry } from '../../pipeline/edit-session'
import type { PhotoOperation } from '../../pipeline/photo-operation'
import type { ProgressSink } from '../../pipeline/progress'
import {
  checkMask,
  detectDamage,
  encodeMaskPng,
  LAMA_MODEL_ID,
  readMask,
  repair,
  REPAIR_METHODS,
  type DamageMask,
  type DamageRegion
} from '../../stages/repair'
import { keepGrayscale } from '../../warp/colour'
import { unit } from '../common-schemas'
import { defineOperation } from '../types'

/** A mask PNG larger than this is not a mask of a photo we can open (a 24 MP binary mask is well under 10 MB). */
export const MAX_MASK_PNG_BYTES = 64 * 1024 * 1024

/** Model name of the `classic` route in layers and the provenance note (OpenCV's Telea inpainting, no download). */
export const CLASSIC_MODEL = 'opencv-telea'

const maskPng = z
  .instanceof(Uint8Array)
  .refine((b) => b.byteLength > 0 && b.byteLength <= MAX_MASK_PNG_BYTES, 'a PNG of the photo size (1 byte .. 64 MB)')

/**
 * Params of a repair edit. `mask`: the user's mask as PNG bytes of the photo's size (non-zero = damaged, the CLI's
 * --mask convention), or 'auto' to detect the damage on the current base at `sensitivity`.
 */
export const repairParams = z.strictObject({
  method: z.enum(REPAIR_METHODS),
  mask: z.union([z.literal('auto'), maskPng]),
  sensitivity: unit,
  /** Repair even when the mask covers more than 60 % of the photo. */
  force: z.boolean().optional()
})
export type RepairOpParams = z.infer<typeof repairParams>

const round2 = (x: number): number => Math.round(x * 100) / 100

/** "2.3 %", and "< 0.1 %" for a few specks. */
function areaText(p: number): string {
  return p > 0 && p < 0.1 ? '< 0.1 %' : `${p.toFixed(1)} %`
}

/** The history's words: "Repair 2.3 % (classic)"; a repair made after face edits says the faces stay on top. */
function repairLabel(step: HistoryEntry): string {
  const area = typeof step.params.areaPercent === 'number' ? `${areaText(step.params.areaPercent)} ` : ''
  const under = step.params.underFaceEdits === true ? ', under the face edits' : ''
  return `Repair ${area}(${String(step.params.method)})${under}`
}

/** The mask of a damage detection on the session's current base (what the next repair would change). */
export async function detectOnBase(
  session: EditSession,
  sensitivity: number,
  signal?: AbortSignal
): Promise<{ mask: Uint8Array; width: number; height: number; areaPercent: number; regions: DamageRegion[] }> {
  const base = session.base
  // The session's faces make detection far stricter inside them (eyelashes, hair, lip lines are not scratches).
  const d = await detectDamage(base, session.faces, { sensitivity, signal })
  return {
    mask: await encodeMaskPng(d.mask),
    width: base.width,
    height: base.height,
    areaPercent: d.areaPercent,
    regions: d.regions
  }
}

/** The mask PNG the repair step at the history cursor used, or null when that step is not a repair. */
export function repairMaskAtCursor(session: EditSession): { mask: Uint8Array; width: number; height: number } | null {
  const { steps, current } = session.steps()
  const step = steps[current]
  if (step?.op !== 'repair' || !(step.params.mask instanceof Uint8Array)) return null
  return { mask: step.params.mask, width: session.photo.image.width, height: session.photo.image.height }
}

/** The inpainting of `mask` as a per-photo operation (the session runs it on its current base). */
function repairOperation(
  mask: DamageMask,
  p: RepairOpParams,
  provenance: Record<string, unknown>,
  lama: Awaited<ReturnType<Engine['openModel']>> | undefined
): PhotoOperation {
  return {
    op: 'repair',
    model: lama?.entry.id ?? CLASSIC_MODEL,
    params: provenance,
    provider: lama?.session.provider,
    async runPhoto(img, ctx) {
      const t0 = performance.now()
      const r = await repair(img, mask, {
        method: p.method,
        session: lama?.session,
        force: p.force,
        signal: ctx.signal,
        onProgress: (done, total) => ctx.onProgress?.({ stage: 'tile', index: done - 1, total })
      })
      // Inpainting a gray photo channel by channel may leave rounding tints; a gray photo stays gray.
      if (ctx.grayscale) keepGrayscale(r.image)
      return { image: r.image, timings: { repair: performance.now() - t0 } }
    }
  }
}

async function applyRepair(
  engine: Engine,
  session: EditSession,
  p: RepairOpParams,
  edit: { signal?: AbortSignal; onProgress?: ProgressSink }
): Promise<void> {
  // The current base: a second repair sees the first's result; face layers are not part of it (they stay on top).
  const base = session.base
  let mask: DamageMask
  let regions: number | undefined
  if (p.mask === 'auto') {
    edit.onProgress?.({ stage: 'detect' })
    const d = await detectDamage(base, session.faces, { sensitivity: p.sensitivity, signal: edit.signal })
    mask = d.mask
    regions = d.regions.length
  } else {
    mask = await readMask(p.mask, base)
  }
  // Another size, or more than 60 % unless forced: refused before any model time, nothing changes.
  const pixels = checkMask(base, mask, p.force)
  if (pixels === 0) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      p.mask === 'auto'
        ? `Nothing to repair: no damage was found at sensitivity ${p.sensitivity}. The photo was not changed.`
        : 'Nothing to repair: the mask is empty (all black). The photo was not changed.',
      {
        reason: 'nothing-to-repair',
        fields: { source: p.mask === 'auto' ? 'auto' : 'painted', sensitivity: p.sensitivity }
      }
    )
  }
  const areaPercent = round2((100 * pixels) / (base.width * base.height))
  const lama = p.method === 'lama' ? await engine.openModel({ id: LAMA_MODEL_ID }) : undefined
  const source = p.mask === 'auto' ? 'auto' : 'painted'
  // The provenance note gets the masked area and the method, not the mask's bytes.
  const provenance = {
    method: p.method,
    mask: source,
    areaPercent,
    ...(p.mask === 'auto' ? { sensitivity: p.sensitivity, regions } : {})
  }
  const underFaceEdits = session.layers.some((l) => l.enabled && l.strength > 0)
  // The history step keeps the mask itself (PNG bytes; the detected one for 'auto'): undo/redo and the editor's mask
  // view know what each repair used.
  const stepParams = {
    method: p.method,
    mask: p.mask === 'auto' ? await encodeMaskPng(mask) : p.mask,
    maskSource: source,
    sensitivity: p.sensitivity,
    ...(p.force ? { force: true } : {}),
    areaPercent,
    ...(regions !== undefined ? { regions } : {}),
    ...(underFaceEdits ? { underFaceEdits } : {})
  }
  await session.applyPhotoOperation(repairOperation(mask, p, provenance, lama), edit, stepParams)
}

/**
 * Damage repair (scratches, dust, tears): inpaints a mask on the whole photo, `classic` (OpenCV Telea, no download)
 * or `lama` (OpenCV Zoo's LaMa). Per photo: its result is the new base under the face layers, so restored faces
 * are pasted over the repaired photo, whichever was applied first (recipe order: repair before restoration).
 */
export const repairOp = defineOperation({
  id: 'repair',
  kind: 'photo',
  params: repairParams,
  models: (_engine, p) => (p.method === 'lama' ? [LAMA_MODEL_ID] : []),
  apply: (engine, session, params, edit) => applyRepair(engine, session, params, edit),
  label: repairLabel
})
