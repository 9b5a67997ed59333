// Bundled into an init script: builds window.api with the SAME factory the preload uses, over Playwright bindings.
import { createApi } from '../../../src/shared/ipc/api'

type Listener = (payload: unknown) => void
interface BridgeWindow {
  __heirloom_invoke(channel: string, payload: unknown): Promise<unknown>
  __heirloom_emit(event: string, payload: unknown): void
  api: unknown
}
const w = window as unknown as BridgeWindow
const listeners = new Map<string, Set<Listener>>()
w.__heirloom_emit = (event, payload) => listeners.get(event)?.forEach((l) => l(payload))

w.api = createApi(
  (channel, request) => w.__heirloom_invoke(channel, request) as never,
  (event, listener) => {
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    set.add(listener as Listener)
    return () => {
      set.delete(listener as Listener)
    }
  },
  // The real preload asks Electron's webUtils for a dropped File's path; here the Node side of the bridge
  // resolves this marker against the test's own folder.
  (file) => `dropped:${file.name}`
)
