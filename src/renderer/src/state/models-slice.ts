import { call, newJobId } from '../api/client'
import { recommendedModels } from '../panels/recommended'
import type { GetState, ModelsSlice, SetState } from './types'

/** The Models panel: the manifest with states, downloads with progress, import/verify/remove. */
export function createModelsSlice(set: SetState, get: GetState): ModelsSlice {
  return {
    models: null,
    downloads: {},
    ageRoutes: [],
    fetchingRecommended: false,
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
    getRecommendedModels: async () => {
      if (get().fetchingRecommended) return
      set({ fetchingRecommended: true })
      try {
        for (const m of recommendedModels(get().models?.models ?? [])) {
          if (m.state === 'installed') continue
          await get().downloadModel(m.id, !m.commercialUse)
          // A failed download leaves its error on screen and the offline import beside it: stop there.
          const now = get().models?.models.find((x) => x.id === m.id)
          if (now?.state !== 'installed') return
        }
        // The photo opened before the detector existed: find its faces now.
        const s = get()
        if (s.photo && s.edit && s.edit.faces.length === 0) await s.detect()
      } finally {
        set({ fetchingRecommended: false })
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
        // A detector imported while a photo waits with no faces: find them now.
        const s = get()
        const kind = s.models?.models.find((m) => m.id === id)?.kind
        if (models && kind === 'detector' && s.photo && s.edit?.faces.length === 0) await s.detect()
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
