import { create } from 'zustand'
import type { AppError } from '../../../shared/errors'
import type { OpenedPhoto } from '../../../shared/ipc/types'
import { ApiError, call } from '../api/client'

export interface LoadedPreview {
  url: string
  width: number
  height: number
}

interface EditorState {
  photo: OpenedPhoto | null
  original: LoadedPreview | null
  busy: boolean
  error: AppError | null
  openViaDialog: () => Promise<void>
  openDropped: (file: File) => Promise<void>
  clearError: () => void
}

async function loadPreview(photoId: string): Promise<LoadedPreview> {
  const p = await call(window.api.getPreview({ photoId, variant: 'original', maxSide: 4096 }))
  const blob = new Blob([p.bytes as Uint8Array<ArrayBuffer>], { type: p.mime })
  return { url: URL.createObjectURL(blob), width: p.width, height: p.height }
}

/** The one renderer store; actions are named and talk to main only through window.api. */
export const useEditor = create<EditorState>((set, get) => {
  const show = async (pending: Promise<OpenedPhoto | null>): Promise<void> => {
    set({ busy: true, error: null })
    try {
      const photo = await pending
      if (!photo) return
      const original = await loadPreview(photo.photoId)
      const previous = get().original
      if (previous) URL.revokeObjectURL(previous.url)
      set({ photo, original })
    } catch (err) {
      set({ error: err instanceof ApiError ? err.error : { code: 'INTERNAL', message: String(err) } })
    } finally {
      set({ busy: false })
    }
  }
  return {
    photo: null,
    original: null,
    busy: false,
    error: null,
    openViaDialog: () => show(call(window.api.openPhotoDialog())),
    openDropped: (file) => show(call(window.api.openDroppedPhoto(file))),
    clearError: () => set({ error: null })
  }
})
