import type { EditState, OpenedPhoto } from '../../../shared/ipc/types'
import { ApiError, call } from '../api/client'
import { needsFirstRun } from '../panels/recommended'
import { loadPreview, releasePreview } from './preview'
import type { GetState, PhotoSlice, SetState } from './types'

/** Opening photos, previews and face detection. */
export function createPhotoSlice(set: SetState, get: GetState): PhotoSlice {
  const show = async (pending: Promise<OpenedPhoto | null>): Promise<void> => {
    set({ busy: true, error: null })
    try {
      const photo = await pending
      if (!photo) return
      const original = await loadPreview(photo.photoId, 'original')
      releasePreview(get().original)
      releasePreview(get().edited)
      set({
        photo,
        original,
        edited: null,
        edit: null,
        selected: [],
        crop: null,
        tool: 'select',
        lastExport: null,
        overlays: null
      })
      get().view({ kind: 'fit' })
      void get().loadSettings()
      await get().detect()
    } catch (err) {
      get().showError(err)
    } finally {
      set({ busy: false })
    }
  }
  /** Opening while a job runs would wait behind it in the worker: ask first whether to cancel the job. */
  const unlessJob = async (open: () => Promise<void>): Promise<void> => {
    if (get().job) set({ pendingOpen: open })
    else await open()
  }
  return {
    photo: null,
    original: null,
    edited: null,
    edit: null,
    detecting: false,
    openViaDialog: () => unlessJob(() => show(call(window.api.openPhotoDialog()))),
    openDropped: (file) => unlessJob(() => show(call(window.api.openDroppedPhoto(file)))),
    openRecent: (index) => unlessJob(() => show(call(window.api.openRecent({ index })))),
    detect: async () => {
      const photo = get().photo
      if (!photo) return
      set({ detecting: true })
      try {
        await call(window.api.detectFaces({ photoId: photo.photoId }))
        const state = await call(window.api.getEditState({ photoId: photo.photoId }))
        await get().applyEditState(state)
        if (state.faces.length === 0)
          get().showError(new ApiError({ code: 'NO_FACE', message: 'The detector found no face in this photo.' }))
      } catch (err) {
        // First run (no detector at all): the Edit panel's "Get started" card explains and fixes it, not a red banner.
        if (err instanceof ApiError && err.code === 'MODEL_MISSING' && needsFirstRun(get().models?.models ?? []))
          set({ panel: 'edit' })
        else get().showError(err)
        // Faces can still be drawn by hand when detection is unavailable.
        const state = await call(window.api.getEditState({ photoId: photo.photoId })).catch(() => null)
        if (state) await get().applyEditState(state)
      } finally {
        set({ detecting: false })
      }
    },
    applyEditState: async (state: EditState) => {
      const prev = get().edit
      // A photo edit (repair) changes the photo even with no face layer: it is an edit to show.
      const hasEdits =
        state.layers.some((l) => l.enabled && l.strength > 0) || state.photoLayers.length > 0 || state.outputScale !== 1
      let edited = get().edited
      if (!hasEdits) {
        releasePreview(edited)
        edited = null
      } else if (!edited || !prev || prev.revision !== state.revision) {
        const next = await loadPreview(state.photoId, 'edited')
        releasePreview(edited)
        edited = next
      }
      const faces = state.faces.length
      set({ edit: state, edited, selected: get().selected.filter((i) => i < faces) })
    }
  }
}
