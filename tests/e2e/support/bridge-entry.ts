// Bundled into an init script: builds window.api with the SAME factory the preload uses, over Playwright bindings.
import { createApi, type Invoke } from '../../../src/shared/ipc/api'

type Listener = (payload: unknown) => void
interface BridgeWindow {
  /** The Node side answers with the real dispatcher's result for the channel (launchApp's exposeBinding). */
  __heirloom_invoke: Invoke
  __heirloom_emit(event: string, payload: unknown): void
  api: unknown
}
const w = window as unknown as BridgeWindow
const listeners = new Map<string, Set<Listener>>()
w.__heirloom_emit = (event, payload) => listeners.get(event)?.forEach((l) => l(payload))

w.api = createApi(
  (channel, request) => w.__heirloom_invoke(channel, request),
  (event, listener) => {
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    set.add(listener as Listener)
    return () => {
      set.delete(listener as Listener)
    }
  },
  // The real preload registers a trusted drop's paths with main (registerDrops) from the drop event and hands back
  // main's token. Here the drop is registered when the page asks for it, with a marker path the Node side of the
  // bridge resolves against the test's own folder; the token round trip through main is the real one.
  async (file) => {
    const r = await w.__heirloom_invoke('registerDrops', { paths: [`dropped:${file.name}`] })
    return r.ok ? r.value.tokens[0] : undefined
  }
)
