import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { createApi } from '../shared/ipc/api'
import { eventChannelName, invokeChannelName, type IpcResult } from '../shared/ipc/channels'

/**
 * Main's tokens for the items of trusted drops, by path. Registered here, in the preload's isolated world, from the
 * drop event itself (isTrusted: a real user drop, not a script); page script never sees a path or this map.
 */
const dropTokens = new Map<string, Promise<string | undefined>>()
// The preload is type-checked without the DOM library: only what is used here.
interface TrustedDrop {
  isTrusted: boolean
  dataTransfer: { files: ArrayLike<File> } | null
}
const page = globalThis as unknown as {
  addEventListener(type: 'drop', listener: (e: TrustedDrop) => void, capture: boolean): void
}
page.addEventListener(
  'drop',
  (e) => {
    if (!e.isTrusted || !e.dataTransfer) return
    const paths = Array.from(e.dataTransfer.files)
      .map((f) => webUtils.getPathForFile(f))
      .filter((p) => p !== '')
    if (paths.length === 0) return
    const reply = ipcRenderer.invoke(invokeChannelName('registerDrops'), { paths }) as Promise<
      IpcResult<{ tokens: string[] }>
    >
    paths.forEach((p, i) =>
      dropTokens.set(
        p,
        reply.then((r) => (r.ok ? r.value.tokens[i] : undefined))
      )
    )
  },
  true
)

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
  // A File fabricated by page script has no path, and a path not dropped has no token: only real drops open files.
  (file) => {
    const path = webUtils.getPathForFile(file)
    const token = path ? dropTokens.get(path) : undefined
    if (path) dropTokens.delete(path)
    return token ?? Promise.resolve(undefined)
  }
)

contextBridge.exposeInMainWorld('api', api)
