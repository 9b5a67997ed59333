import { call, newJobId } from '../api/client'
import type { BatchSlice, GetState, SetState } from './types'

/** Batch: folders come from dialogs (or a dropped folder); rows stream in through batchProgress events. */
export function createBatchSlice(set: SetState, get: GetState): BatchSlice {
  const guard = async (fn: () => Promise<void>): Promise<void> => {
    try {
      await fn()
    } catch (err) {
      get().showError(err)
    }
  }
  return {
    batchInput: null,
    batchOutput: null,
    batchProgress: null,
    batchRows: [],
    batchResult: null,
    batchJobId: null,
    chooseBatchInput: (recursive) =>
      guard(async () => {
        const choice = await call(window.api.chooseBatchInput({ recursive }))
        if (choice) set({ batchInput: choice })
      }),
    useDroppedFolder: (file) =>
      guard(async () => {
        set({ batchInput: await call(window.api.openDroppedFolder(file, true)), panel: 'batch' })
      }),
    chooseBatchOutput: () =>
      guard(async () => {
        const choice = await call(window.api.chooseOutputFolder())
        if (choice) set({ batchOutput: choice })
      }),
    runBatch: (o) =>
      guard(async () => {
        const jobId = newJobId()
        set({
          batchJobId: jobId,
          batchRows: [],
          batchResult: null,
          batchProgress: { jobId, done: 0, total: 0, paused: false }
        })
        try {
          const result = await call(window.api.runBatch({ jobId, ...o }))
          // The folder's journal now holds this run: a later run there is offered to resume it.
          const finished = result.rows.filter((r) => r.status !== 'error').length
          set((s) => ({
            batchResult: result,
            batchRows: result.rows,
            batchOutput: s.batchOutput
              ? { ...s.batchOutput, resumable: finished }
              : { name: result.outputFolder, folder: result.outputFolder, resumable: finished }
          }))
        } finally {
          set({ batchJobId: null })
        }
      }),
    pauseBatch: (paused) =>
      guard(async () => {
        const jobId = get().batchJobId
        if (jobId) await call(window.api.pauseBatch({ jobId, paused }))
        set((s) => (s.batchProgress ? { batchProgress: { ...s.batchProgress, paused } } : {}))
      }),
    cancelBatch: () =>
      guard(async () => {
        const jobId = get().batchJobId
        if (jobId) await call(window.api.cancelJob({ jobId }))
      }),
    openOutputFolder: () => guard(() => call(window.api.openOutputFolder())),
    onBatchProgress: (p) =>
      set((s) => {
        if (p.jobId !== s.batchJobId) return {}
        return { batchProgress: p, batchRows: p.row ? [...s.batchRows, p.row] : s.batchRows }
      })
  }
}
