import { ApiError, asAppError, call, newJobId } from '../api/client'
import { getRepairApi, type RepairMethod } from '../api/repair-api'
import { BRUSH_MAX, BRUSH_MIN, type Brush, MaskEditor, stepBrushSize } from '../canvas/mask-paint'
import { decodeMaskPng, encodeMaskPng } from '../canvas/mask-png'
import type { EditorState, GetState, MaskSlice, SetState } from './types'

/** The open photo's mask, or null (none yet, or it belongs to a photo that is no longer open). */
export function currentMask(s: Pick<EditorState, 'mask' | 'maskPhotoId' | 'photo'>): MaskEditor | null {
  return s.mask && s.photo && s.maskPhotoId === s.photo.photoId ? s.mask : null
}

/** The damage mask of the open photo: painting, detection and the repair call. */
export function createMaskSlice(set: SetState, get: GetState): MaskSlice {
  /** Every change of the mask bumps the revision, so readouts (area %, undo) follow. */
  let unsubscribe: (() => void) | null = null
  const adopt = (mask: MaskEditor, photoId: string): MaskEditor => {
    unsubscribe?.()
    unsubscribe = mask.subscribe(() => set((s) => ({ maskRevision: s.maskRevision + 1 })))
    set((s) => ({ mask, maskPhotoId: photoId, maskRevision: s.maskRevision + 1, damage: null }))
    return mask
  }
  const ensure = (): MaskEditor | null => {
    const s = get()
    const photo = s.photo
    if (!photo) return null
    const mask = currentMask(s)
    if (mask && mask.photoWidth === photo.width && mask.photoHeight === photo.height) return mask
    return adopt(new MaskEditor(photo.width, photo.height), photo.photoId)
  }
  /** Loads PNG mask bytes into the open photo's mask as one undoable step. */
  const loadPng = (png: Uint8Array, photoId: string): void => {
    const grey = decodeMaskPng(png)
    const s = get()
    if (s.photo?.photoId !== photoId) return
    if (grey.width !== s.photo.width || grey.height !== s.photo.height) {
      throw new ApiError({
        code: 'INVALID_REQUEST',
        message: `The mask is ${grey.width}x${grey.height} but the photo is ${s.photo.width}x${s.photo.height}.`
      })
    }
    ensure()!.load(grey.data, grey.width, grey.height)
  }
  return {
    mask: null,
    maskPhotoId: null,
    maskRevision: 0,
    maskShown: true,
    brush: { mode: 'brush', size: 24, hardness: 0.8 },
    damage: null,
    detectingDamage: false,
    ensureMask: ensure,
    dropMask: () => {
      unsubscribe?.()
      unsubscribe = null
      set({ mask: null, maskPhotoId: null, damage: null })
    },
    toggleMaskTool: () => get().setTool(get().tool === 'mask' ? 'select' : 'mask'),
    setBrush: (patch) =>
      set((s) => {
        const b: Brush = { ...s.brush, ...patch }
        return {
          brush: {
            mode: b.mode,
            size: Math.min(BRUSH_MAX, Math.max(BRUSH_MIN, Math.round(b.size) || BRUSH_MIN)),
            hardness: Math.min(1, Math.max(0, b.hardness))
          }
        }
      }),
    stepBrushSize: (dir) => get().setBrush({ size: stepBrushSize(get().brush.size, dir) }),
    setMaskShown: (maskShown) => set({ maskShown }),
    undoMask: () => currentMask(get())?.undo() ?? false,
    redoMask: () => currentMask(get())?.redo() ?? false,
    clearMask: () => currentMask(get())?.clear(),
    loadMaskPng: (png) => {
      const id = get().photo?.photoId
      if (!id) return
      try {
        loadPng(png, id)
      } catch (err) {
        get().showError(err)
      }
    },
    detectDamage: async (sensitivity) => {
      const api = getRepairApi()
      const photo = get().photo
      if (!photo) return
      set({ detectingDamage: true, error: null })
      try {
        const found = await call(api.detectDamage({ photoId: photo.photoId, sensitivity }))
        // Another photo may have been opened while main was detecting: this result is not for it.
        if (get().photo?.photoId !== photo.photoId) return
        loadPng(found.mask, photo.photoId)
        set({ damage: { sensitivity, regions: found.regions, areaPercent: found.areaPercent }, maskShown: true })
      } catch (err) {
        get().showError(err)
      } finally {
        set({ detectingDamage: false })
      }
    },
    repairDamage: async (o: { method: RepairMethod; sensitivity: number; force?: boolean }) => {
      const api = getRepairApi()
      const photo = get().photo
      if (!photo || get().job) return
      const mask = currentMask(get())
      // No mask painted or detected yet: main detects one itself at this sensitivity ("auto"), as the CLI does.
      const png =
        mask && mask.damagedPixels > 0
          ? encodeMaskPng({ width: photo.width, height: photo.height, data: mask.toPhotoMask() })
          : 'auto'
      const jobId = newJobId()
      set({ job: { jobId, kind: 'repair', fraction: 0, stage: 'starting' }, error: null, cancelling: false })
      set({ notice: null, jobEtaMs: null })
      try {
        const state = await call(
          api.applyOperation({
            photoId: photo.photoId,
            jobId,
            op: 'repair',
            params: { method: o.method, mask: png, sensitivity: o.sensitivity, ...(o.force ? { force: true } : {}) }
          })
        )
        await get().applyEditState(state)
        // Show the result, not the red mask over it; the mask stays (Show mask, or M, brings it back).
        set((s) => ({ maskShown: false, tool: s.tool === 'mask' ? 'select' : s.tool }))
      } catch (err) {
        if (asAppError(err).code === 'CANCELLED') set({ notice: 'Cancelled' })
        get().showError(err)
      } finally {
        set((s) => (s.job?.jobId === jobId ? { job: null, cancelling: false, jobEtaMs: null } : {}))
      }
    },
    syncMaskFromHistory: async () => {
      const api = getRepairApi()
      const photo = get().photo
      if (!photo) return
      try {
        const step = await call(api.repairMask({ photoId: photo.photoId }))
        if (step) loadPng(step.mask, photo.photoId)
      } catch (err) {
        get().showError(err)
      }
    }
  }
}
