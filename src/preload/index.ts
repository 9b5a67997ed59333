import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { createApi, type Invoke, type Subscribe } from '../shared/ipc/api'
import { eventChannelName, invokeChannelName } from '../shared/ipc/channel-names'
import type { EventContract } from '../shared/ipc/channels'

// The only place raw ipcRenderer is used. The renderer sees named functions, never ipcRenderer itself. Answers come
// from main's dispatcher, which built them from the same contract (ipcRenderer types them `any`).
const invoke: Invoke = (channel, request) => ipcRenderer.invoke(invokeChannelName(channel), request)
const subscribe: Subscribe = (event, listener) => {
  const name = eventChannelName(event)
  const wrapped = (_e: Electron.IpcRendererEvent, payload: EventContract[typeof event]): void => listener(payload)
  ipcRenderer.on(name, wrapped)
  return () => {
    ipcRenderer.removeListener(name, wrapped)
  }
}

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
interface DropTarget {
  addEventListener(type: 'drop', listener: (e: TrustedDrop) => void, capture: boolean): void
}
/** The preload runs in the page's isolated world, whose global is the window (a DropTarget). */
function isDropTarget(g: object): g is DropTarget {
  return 'addEventListener' in g && typeof g.addEventListener === 'function'
}
const page: object = globalThis
if (!isDropTarget(page)) throw new Error('The preload must run in a window.')
page.addEventListener(
  'drop',
  (e) => {
    if (!e.isTrusted || !e.dataTransfer) return
    const paths = Array.from(e.dataTransfer.files)
      .map((f) => webUtils.getPathForFile(f))
      .filter((p) => p !== '')
    if (paths.length === 0) return
    const reply = invoke('registerDrops', { paths })
    paths.forEach((p, i) =>
      dropTokens.set(
        p,
        reply.then((r) => (r.ok ? r.value.tokens[i] : undefined))
      )
    )
  },
  true
)

const api = createApi(
  invoke,
  subscribe,
  // A File fabricated by page script has no path, and a path not dropped has no token: only real drops open files.
  (file) => {
    const path = webUtils.getPathForFile(file)
    const token = path ? dropTokens.get(path) : undefined
    if (path) dropTokens.delete(path)
    return token ?? Promise.resolve(undefined)
  }
)

contextBridge.exposeInMainWorld('api', api)
