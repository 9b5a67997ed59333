import type { EventChannel, EventContract, InvokeChannel, IpcResult, RequestOf, ResponseOf } from './channels'

export type Invoke = <C extends InvokeChannel>(channel: C, request: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>
export type Subscribe = <E extends EventChannel>(event: E, listener: (payload: EventContract[E]) => void) => () => void

/**
 * Builds `window.api`: one named function per operation (never a generic send). The preload calls this with
 * ipcRenderer; the Chromium e2e bridge calls it with Playwright bindings, so both expose exactly the same surface.
 */
export function createApi(invoke: Invoke, subscribe: Subscribe, pathForFile: (file: File) => string) {
  return {
    appInfo: () => invoke('appInfo', undefined),
    openPhotoDialog: () => invoke('openPhotoDialog', undefined),
    openDroppedPhoto: (file: File) => invoke('openDroppedPhoto', { path: pathForFile(file) }),
    getPreview: (request: RequestOf<'getPreview'>) => invoke('getPreview', request),
    listFaces: (request: RequestOf<'listFaces'>) => invoke('listFaces', request),
    detectFaces: (request: RequestOf<'detectFaces'>) => invoke('detectFaces', request),
    closePhoto: (request: RequestOf<'closePhoto'>) => invoke('closePhoto', request),
    onJobProgress: (listener: (p: EventContract['jobProgress']) => void) => subscribe('jobProgress', listener),
    onMenuAction: (listener: (p: EventContract['menuAction']) => void) => subscribe('menuAction', listener)
  }
}

export type HeirloomApi = ReturnType<typeof createApi>
