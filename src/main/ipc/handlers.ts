import { APP_NAME, APP_VERSION } from '../../shared/version'
import type { AppInfo } from '../../shared/ipc/types'
import type { Engine } from '../core/engine'
import { detectFaces } from '../core/stages/detect'
import type { PhotoLibrary } from '../services/photo-library'
import type { HandlerMap } from './dispatch'

/** What the OS shell provides (Electron dialogs in the app; scripted answers in tests). */
export interface HostDialogs {
  chooseImage(): Promise<string | null>
}

export interface AppServices {
  library: PhotoLibrary
  dialogs: HostDialogs
  engine: Engine
  modelsDir: string
  electronVersion?: string
}

/** Thin handlers: the dispatcher has validated the payload; each one calls a service and returns data. */
export function createHandlers(s: AppServices): HandlerMap {
  return {
    appInfo: (): AppInfo => ({
      name: APP_NAME,
      version: APP_VERSION,
      platform: process.platform,
      electron: s.electronVersion,
      node: process.versions.node,
      modelsDir: s.modelsDir
    }),
    openPhotoDialog: async () => {
      const path = await s.dialogs.chooseImage()
      return path === null ? null : s.library.open(path)
    },
    openDroppedPhoto: ({ path }) => s.library.open(path),
    getPreview: ({ photoId, variant, maxSide }) => s.library.preview(photoId, variant, maxSide),
    listFaces: ({ photoId }) => {
      const entry = s.library.get(photoId)
      return { photoId, faces: entry.faces, rotation: entry.rotation }
    },
    detectFaces: async ({ photoId, detector, minScore }) => {
      const entry = s.library.get(photoId)
      const photo = await s.library.original(photoId)
      const result = await detectFaces(s.engine, photo.image, {
        ...(detector ? { detector } : {}),
        ...(minScore !== undefined ? { minScore } : {})
      })
      entry.faces = result.faces
      entry.rotation = result.rotation
      return { photoId, faces: result.faces, rotation: result.rotation }
    },
    closePhoto: ({ photoId }) => {
      s.library.close(photoId)
    }
  }
}
