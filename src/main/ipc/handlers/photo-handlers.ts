import type { OpenedPhoto } from '../../../shared/ipc/types'
import type { HandlerMap } from '../dispatch'
import type { AppServices } from '../services'

type PhotoChannels =
  | 'openPhotoDialog'
  | 'registerDrops'
  | 'openDroppedPhoto'
  | 'openRecent'
  | 'getPreview'
  | 'getRegion'
  | 'listFaces'
  | 'closePhoto'

/** Opening photos (every path comes from a dialog, a real drop or the recent list main keeps) and previews. */
export function photoHandlers(s: AppServices): Pick<HandlerMap, PhotoChannels> {
  const open = async (path: string): Promise<OpenedPhoto> => {
    const photo = await s.library.open(path)
    await s.settings.addRecent(s.library.get(photo.photoId).path)
    return photo
  }
  return {
    openPhotoDialog: async () => {
      const path = await s.dialogs.chooseImage()
      return path === null ? null : open(path)
    },
    registerDrops: ({ paths }) => Promise.resolve({ tokens: s.drops.register(paths) }),
    openDroppedPhoto: ({ token }) => open(s.drops.take(token)),
    openRecent: ({ index }) => open(s.settings.recentPath(index)),
    getPreview: ({ photoId, variant, maxSide }) => s.library.preview(photoId, variant, maxSide),
    getRegion: ({ photoId, variant, rect }) => s.library.region(photoId, variant, rect),
    listFaces: async ({ photoId }) => {
      const state = await s.edits.getState(photoId)
      return { photoId, faces: state.faces, rotation: state.rotation }
    },
    closePhoto: ({ photoId }) => {
      s.library.close(photoId)
      return Promise.resolve()
    }
  }
}
