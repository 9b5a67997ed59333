import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { createApi } from '../shared/ipc/api'
import { eventChannelName, invokeChannelName } from '../shared/ipc/channels'

// The only place raw ipcRenderer is used. The renderer sees named functions, never ipcRenderer itself.
const api = createApi(
  (channel, request) => ipcRenderer.invoke(invokeChannelName(channel), request),
  (event, listener) => {
    const name = eventChannelName(event)
    const wrapped = (_e: Electron.IpcRendererEvent, payload: unknown): void => listener(payload as never)
    ipcRenderer.on(name, wrapped)
    return () => {
      ipcRenderer.removeListener(name, wrapped)
    }
  },
  // A File fabricated by page script has no path: only real user drops can open files.
  (file) => webUtils.getPathForFile(file)
)

contextBridge.exposeInMainWorld('api', api)
