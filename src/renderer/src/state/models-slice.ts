import { call, newJobId } from '../api/client'
import type { GetState, ModelsSlice, SetState } from './types'

/** The Models panel: the manifest with states, downloads with progress, import/verify/remove. */
export function createModelsSlice(set: SetState, get: GetState): ModelsSlice {
  return {
    models: null,
    downloads: {},
    ageRoutes: [],
    refreshModels: async () => {
      try {
        const [models, ageRoutes] = await Promise.all([call(window.api.listModels()), call(window.api.listAgeRoutes())])
        set({ models, ageRoutes })
      } catch (err) {
        get().showError(err)
      }
    },
    downloadModel: async (id, acceptLicense) => {
      const jobId = newJobId()
      // A new action replaces the previous message (e.g. a retried download that now works).
      set((s) => ({ error: null, downloads: { ...s.downloads, [id]: { id, received: 0, jobId } } }))
      try {
        set({ models: await call(window.api.downloadModel({ id, jobId, acceptLicense })) })
      } catch (err) {
        get().showError(err)
      } finally {
        set((s) => {
          const { [id]: _done, ...rest } = s.downloads
          return { downloads: rest }
        })
        await get().refreshModels()
      }
    },
    cancelDownload: async (id) => {
      const jobId = get().downloads[id]?.jobId
      if (jobId) await call(window.api.cancelJob({ jobId })).catch((err: unknown) => get().showError(err))
    },
    importModel: async (id) => {
      set({ error: null })
      try {
        const models = await call(window.api.importModel({ id }))
        if (models) set({ models })
        await get().refreshModels()
      } catch (err) {
        get().showError(err)
      }
    },
    verifyModel: async (id) => {
      try {
        return (await call(window.api.verifyModel({ id }))).ok
      } catch (err) {
        get().showError(err)
        return false
      }
    },
    inspectModel: async (id) => {
      try {
        return await call(window.api.inspectModel({ id }))
      } catch (err) {
        get().showError(err)
        return null
      }
    },
    removeModel: async (id) => {
      set({ error: null })
      try {
        set({ models: await call(window.api.removeModel({ id })) })
      } catch (err) {
        get().showError(err)
      }
    },
    onModelProgress: (p) =>
      set((s) => {
        const cur = s.downloads[p.id]
        if (!cur || p.done) return {}
        return { downloads: { ...s.downloads, [p.id]: { ...p, jobId: cur.jobId } } }
      })
  }
}
