import type { EventChannel, EventContract, InvokeChannel, IpcResult, RequestOf, ResponseOf } from './channels'
import type { FolderChoice, OpenedPhoto } from './types'

export type Invoke = <C extends InvokeChannel>(channel: C, request: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>
export type Subscribe = <E extends EventChannel>(event: E, listener: (payload: EventContract[E]) => void) => () => void

/**
 * Builds `window.api`: one named function per operation (never a generic send). The preload calls this with
 * ipcRenderer; the Chromium e2e bridge calls it with Playwright bindings, so both expose exactly the same surface.
 */
export function createApi(
  invoke: Invoke,
  subscribe: Subscribe,
  /** Main's token for a File of a real drop (the preload registered it at the drop); undefined for any other File. */
  dropToken: (file: File) => Promise<string | undefined>
) {
  const notDropped = <T>(): IpcResult<T> => ({
    ok: false,
    error: { code: 'FORBIDDEN', message: 'Only an item dropped on the window can be opened this way.' }
  })
  return {
    appInfo: () => invoke('appInfo', undefined),
    openPhotoDialog: () => invoke('openPhotoDialog', undefined),
    openDroppedPhoto: async (file: File): Promise<IpcResult<OpenedPhoto>> => {
      const token = await dropToken(file)
      return token ? invoke('openDroppedPhoto', { token }) : notDropped()
    },
    getPreview: (request: RequestOf<'getPreview'>) => invoke('getPreview', request),
    getRegion: (request: RequestOf<'getRegion'>) => invoke('getRegion', request),
    listFaces: (request: RequestOf<'listFaces'>) => invoke('listFaces', request),
    detectFaces: (request: RequestOf<'detectFaces'>) => invoke('detectFaces', request),
    closePhoto: (request: RequestOf<'closePhoto'>) => invoke('closePhoto', request),
    openRecent: (request: RequestOf<'openRecent'>) => invoke('openRecent', request),
    getEditState: (request: RequestOf<'getEditState'>) => invoke('getEditState', request),
    addFaceBox: (request: RequestOf<'addFaceBox'>) => invoke('addFaceBox', request),
    deleteFace: (request: RequestOf<'deleteFace'>) => invoke('deleteFace', request),
    restoreFaces: (request: RequestOf<'restoreFaces'>) => invoke('restoreFaces', request),
    ageFaces: (request: RequestOf<'ageFaces'>) => invoke('ageFaces', request),
    listAgeRoutes: () => invoke('listAgeRoutes', undefined),
    setLayerStrength: (request: RequestOf<'setLayerStrength'>) => invoke('setLayerStrength', request),
    setLayerEnabled: (request: RequestOf<'setLayerEnabled'>) => invoke('setLayerEnabled', request),
    undo: (request: RequestOf<'undo'>) => invoke('undo', request),
    redo: (request: RequestOf<'redo'>) => invoke('redo', request),
    gotoStep: (request: RequestOf<'gotoStep'>) => invoke('gotoStep', request),
    cancelJob: (request: RequestOf<'cancelJob'>) => invoke('cancelJob', request),
    exportPhoto: (request: RequestOf<'exportPhoto'>) => invoke('exportPhoto', request),
    listModels: () => invoke('listModels', undefined),
    downloadModel: (request: RequestOf<'downloadModel'>) => invoke('downloadModel', request),
    importModel: (request: RequestOf<'importModel'>) => invoke('importModel', request),
    verifyModel: (request: RequestOf<'verifyModel'>) => invoke('verifyModel', request),
    inspectModel: (request: RequestOf<'inspectModel'>) => invoke('inspectModel', request),
    removeModel: (request: RequestOf<'removeModel'>) => invoke('removeModel', request),
    chooseBatchInput: (request: RequestOf<'chooseBatchInput'>) => invoke('chooseBatchInput', request),
    openDroppedFolder: async (file: File, recursive: boolean): Promise<IpcResult<FolderChoice>> => {
      const token = await dropToken(file)
      return token ? invoke('openDroppedFolder', { token, recursive }) : notDropped()
    },
    chooseOutputFolder: () => invoke('chooseOutputFolder', undefined),
    runBatch: (request: RequestOf<'runBatch'>) => invoke('runBatch', request),
    pauseBatch: (request: RequestOf<'pauseBatch'>) => invoke('pauseBatch', request),
    watchQueue: (request: RequestOf<'watchQueue'>) => invoke('watchQueue', request),
    openOutputFolder: () => invoke('openOutputFolder', undefined),
    getSettings: () => invoke('getSettings', undefined),
    updateSettings: (request: RequestOf<'updateSettings'>) => invoke('updateSettings', request),
    getCredentials: (request: RequestOf<'getCredentials'>) => invoke('getCredentials', request),
    applyOperation: (request: RequestOf<'applyOperation'>) => invoke('applyOperation', request),
    onJobProgress: (listener: (p: EventContract['jobProgress']) => void) => subscribe('jobProgress', listener),
    onMenuAction: (listener: (p: EventContract['menuAction']) => void) => subscribe('menuAction', listener),
    onModelProgress: (listener: (p: EventContract['modelProgress']) => void) => subscribe('modelProgress', listener),
    onBatchProgress: (listener: (p: EventContract['batchProgress']) => void) => subscribe('batchProgress', listener)
  }
}

export type HeirloomApi = ReturnType<typeof createApi>
