import type { JobProgress } from '../../../shared/ipc/types'
import { asAppError, call } from '../api/client'
import type { EditorState, GetState, SetState, UiSlice } from './types'

/** Whether face overlays are drawn now (see UiSlice.overlays). */
export function overlaysShown(s: Pick<EditorState, 'overlays' | 'edited'>): boolean {
  return s.overlays ?? s.edited === null
}

/** When each face of the running job started (1-based index), for the ETA. */
let faceStarts: { jobId: string; at: number[] } = { jobId: '', at: [] }

/** Time left from the faces finished so far: their mean time times the faces left, less the current face's time. */
function etaOf(p: JobProgress, previous: number | null): number | null {
  if (p.stage !== 'face-step' || p.index === undefined || p.total === undefined) return previous
  const now = performance.now()
  // A new job, or the job's next pass over the faces (age, then restore after aging), starts the count again.
  if (faceStarts.jobId !== p.jobId || p.index < faceStarts.at.length - 1) {
    faceStarts = { jobId: p.jobId, at: [] }
    previous = null
  }
  faceStarts.at[p.index] ??= now
  const finished = p.index - 1
  const first = faceStarts.at[1]
  if (finished < 1 || first === undefined) return previous
  const current = faceStarts.at[p.index]
  const perFace = (current - first) / finished
  return Math.max(0, perFace * (p.total - finished) - (now - current))
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Tools, compare modes, panels, errors, job progress, settings and export. */
export function createUiSlice(set: SetState, get: GetState): UiSlice {
  let seq = 0
  return {
    busy: false,
    error: null,
    job: null,
    cancelling: false,
    notice: null,
    jobEtaMs: null,
    pendingOpen: null,
    tool: 'select',
    compare: 'split',
    split: 0.5,
    holdOriginal: false,
    overlays: null,
    panel: 'edit',
    crop: null,
    viewCommand: null,
    settings: null,
    lastExport: null,
    setTool: (tool) => {
      // The mask tool paints on the open photo's mask: make one (empty) and show it.
      if (tool === 'mask' && !get().ensureMask()) return
      set(tool === 'mask' ? { tool, maskShown: true } : { tool })
    },
    setCompare: (compare) => set({ compare }),
    setSplit: (split) => set({ split: Math.min(1, Math.max(0, split)) }),
    setHoldOriginal: (holdOriginal) => set({ holdOriginal }),
    toggleOverlays: () => set((s) => ({ overlays: !overlaysShown(s) })),
    setPanel: (panel) => set({ panel }),
    setCrop: (crop) => set({ crop }),
    view: (cmd) => set({ viewCommand: { cmd, seq: ++seq } }),
    showError: (err) => {
      const error = asAppError(err)
      // A cancel the user asked for is not an error worth a banner.
      if (error.code !== 'CANCELLED') set({ error })
    },
    clearError: () => set({ error: null }),
    onJobProgress: (p) =>
      set((s) => (s.job && s.job.jobId === p.jobId && !p.done ? { job: p, jobEtaMs: etaOf(p, s.jobEtaMs) } : {})),
    cancelJob: async () => {
      const job = get().job
      if (!job) return
      set({ cancelling: true })
      await call(window.api.cancelJob({ jobId: job.jobId })).catch((err: unknown) => get().showError(err))
    },
    confirmPendingOpen: async () => {
      const open = get().pendingOpen
      set({ pendingOpen: null })
      await get().cancelJob()
      // The job ends at its next safe point (between faces or model runs); open only then.
      while (get().job) await sleep(50)
      if (open) await open()
    },
    dismissPendingOpen: () => set({ pendingOpen: null }),
    loadSettings: async () => {
      try {
        set({ settings: await call(window.api.getSettings()) })
      } catch (err) {
        get().showError(err)
      }
    },
    updateSettings: async (patch) => {
      try {
        set({ settings: await call(window.api.updateSettings(patch)) })
        if (patch.provider) await get().refreshModels()
      } catch (err) {
        get().showError(err)
      }
    },
    exportPhoto: async (o) => {
      const photo = get().photo
      if (!photo) return
      const crop = o.cropOnly ? get().crop?.rect : undefined
      set({ busy: true, error: null })
      try {
        const result = await call(
          window.api.exportPhoto({
            photoId: photo.photoId,
            format: o.format,
            quality: o.quality,
            scale: o.scale,
            keepMetadata: o.keepMetadata,
            provenance: o.provenance,
            beforeAfterSheet: o.beforeAfterSheet,
            ...(crop ? { crop: [crop[0], crop[1], crop[2], crop[3]] } : {})
          })
        )
        if (result) set({ lastExport: result })
        void get().loadSettings()
      } catch (err) {
        get().showError(err)
      } finally {
        set({ busy: false })
      }
    }
  }
}
