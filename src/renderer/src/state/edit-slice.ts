import type { EditState, FaceChoice } from '../../../shared/ipc/types'
import { asAppError, call, newJobId } from '../api/client'
import type { EditSlice, GetState, SetState } from './types'
import { DEFAULT_RESTORE_STRENGTH } from '../../../shared/defaults'

/** How long "Cancelled" stays in the status bar. */
const NOTICE_MS = 8000

/** Face selection and every edit of the open photo; each main call returns the new EditState. */
export function createEditSlice(set: SetState, get: GetState): EditSlice {
  const photoId = (): string | null => get().photo?.photoId ?? null
  const run = async (fn: (id: string) => Promise<EditState>): Promise<void> => {
    const id = photoId()
    if (!id) return
    set({ error: null })
    try {
      await get().applyEditState(await fn(id))
    } catch (err) {
      get().showError(err)
    }
  }
  /** A word in the status bar about how the last job ended, cleared after a while. */
  const notify = (notice: string): void => {
    set({ notice })
    setTimeout(() => set((s) => (s.notice === notice && !s.job ? { notice: null } : {})), NOTICE_MS)
  }
  const jobRun = async (kind: string, fn: (id: string, jobId: string) => Promise<EditState>): Promise<void> => {
    const id = photoId()
    if (!id) return
    const jobId = newJobId()
    set({ job: { jobId, kind, fraction: 0, stage: 'starting' }, error: null, cancelling: false, notice: null })
    set({ jobEtaMs: null })
    try {
      await get().applyEditState(await fn(id, jobId))
      // The cancel came after the last point where the job could stop: say so rather than nothing.
      if (get().cancelling) notify('Finished before it could stop')
    } catch (err) {
      if (asAppError(err).code === 'CANCELLED') notify('Cancelled')
      get().showError(err)
    } finally {
      set((s) => (s.job?.jobId === jobId ? { job: null, cancelling: false, jobEtaMs: null } : {}))
    }
  }
  const faces = (all: boolean): FaceChoice => {
    const sel = get().selected
    return all || sel.length === 0 ? 'all' : [...sel].sort((a, b) => a - b)
  }
  return {
    selected: [],
    restoreStrength: DEFAULT_RESTORE_STRENGTH,
    setRestoreStrength: (restoreStrength) => set({ restoreStrength }),
    selectFace: (index, additive) =>
      set((s) => ({
        selected: additive
          ? s.selected.includes(index)
            ? s.selected.filter((i) => i !== index)
            : [...s.selected, index]
          : [index]
      })),
    selectAll: () => set((s) => ({ selected: s.edit ? s.edit.faces.map((_, i) => i) : [] })),
    clearSelection: () => set({ selected: [] }),
    addFaceBox: (box) =>
      run((id) => call(window.api.addFaceBox({ photoId: id, box: [box[0], box[1], box[2], box[3]] }))),
    deleteSelectedFaces: async () => {
      // Highest index first, so the remaining indices stay valid.
      const order = [...get().selected].sort((a, b) => b - a)
      set({ selected: [] })
      for (const index of order) await run((id) => call(window.api.deleteFace({ photoId: id, index })))
    },
    restore: (o) =>
      jobRun('restore', (id, jobId) =>
        call(
          window.api.restoreFaces({
            photoId: id,
            jobId,
            faces: faces(o.all),
            model: o.model,
            strength: o.strength,
            ...(o.fidelity !== undefined ? { fidelity: o.fidelity } : {}),
            outputScale: o.outputScale,
            backgroundUpscaler: o.upscaler,
            ...(o.keepIdentity ? { keepIdentity: true } : {}),
            ...(o.paste ? { paste: o.paste } : {})
          })
        )
      ),
    age: (o) =>
      jobRun('age', (id, jobId) =>
        call(
          window.api.ageFaces({
            photoId: id,
            jobId,
            faces: faces(o.all),
            route: o.route,
            years: o.years,
            ...(o.targetAge !== undefined ? { targetAge: o.targetAge } : {}),
            ...(o.currentAge !== undefined ? { currentAge: o.currentAge } : {}),
            strength: o.strength,
            restoreAfter: o.restoreAfter,
            ...(o.restoreAfter && o.restoreModel ? { restoreModel: o.restoreModel } : {}),
            // "Restore after aging" blends at the strength the user set in the Restore section.
            ...(o.restoreAfter ? { restoreStrength: get().restoreStrength } : {})
          })
        )
      ),
    colour: (req) =>
      jobRun('color', (id, jobId) =>
        call(window.api.applyOperation({ photoId: id, jobId, op: 'color', params: { ...req } }))
      ),
    setStrength: (layerIds, strength) =>
      run((id) => call(window.api.setLayerStrength({ photoId: id, layerIds, strength }))),
    toggleLayer: (layerId, enabled) => run((id) => call(window.api.setLayerEnabled({ photoId: id, layerId, enabled }))),
    undo: () => run((id) => call(window.api.undo({ photoId: id }))),
    redo: () => run((id) => call(window.api.redo({ photoId: id }))),
    gotoStep: (index) => run((id) => call(window.api.gotoStep({ photoId: id, index })))
  }
}
