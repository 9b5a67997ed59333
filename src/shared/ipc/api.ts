import { DROP_CHANNELS, EVENT_CHANNELS, INVOKE_CHANNELS, PRELOAD_ONLY_CHANNELS } from './channel-names'
import type { EventChannel, InvokeChannel } from './channel-names'
import type { EventContract, IpcResult, RequestOf, ResponseOf } from './channels'

export type Invoke = <C extends InvokeChannel>(channel: C, request: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>
export type Subscribe = <E extends EventChannel>(event: E, listener: (payload: EventContract[E]) => void) => () => void

type Reply<C extends InvokeChannel> = Promise<IpcResult<ResponseOf<C>>>

/** Channels that window.api exposes as `name(request)`: all but the preload's own and the drop ones. */
export type PlainChannel = Exclude<
  InvokeChannel,
  (typeof PRELOAD_ONLY_CHANNELS)[number] | (typeof DROP_CHANNELS)[number]
>

/** One named function per plain channel, typed by the channel's schema (no argument for a z.undefined() channel). */
export type PlainApi = { [C in PlainChannel]: (request: RequestOf<C>) => Reply<C> }

/** `onJobProgress(listener)` etc.: one subscription per event channel; each returns its unsubscribe. */
export type EventApi = {
  [E in EventChannel as `on${Capitalize<E>}`]: (listener: (payload: EventContract[E]) => void) => () => void
}

/** The drop channels take the File the user dropped; the preload swaps it for main's token. */
export interface DropApi {
  openDroppedPhoto(file: File): Reply<'openDroppedPhoto'>
  openDroppedFolder(file: File, recursive: boolean): Reply<'openDroppedFolder'>
}

/** `window.api`: derived from the channel lists, so a channel added to the contract appears here by itself. */
export type HeirloomApi = PlainApi & EventApi & DropApi

const notPlain: readonly string[] = [...PRELOAD_ONLY_CHANNELS, ...DROP_CHANNELS]
const isPlain = (c: InvokeChannel): c is PlainChannel => !notPlain.includes(c)
const eventMethod = (e: EventChannel): string => `on${e.charAt(0).toUpperCase()}${e.slice(1)}`

/** Every name HeirloomApi promises, at run time (what the preload exposes and the security test checks). */
export const API_METHODS: readonly string[] = [
  ...INVOKE_CHANNELS.filter(isPlain),
  ...DROP_CHANNELS,
  ...EVENT_CHANNELS.map(eventMethod)
]

function isHeirloomApi(api: Record<string, unknown>): api is Record<string, unknown> & HeirloomApi {
  return API_METHODS.every((name) => typeof api[name] === 'function')
}

/**
 * Builds `window.api`: one named function per operation (never a generic send). The preload calls this with
 * ipcRenderer; the Chromium e2e bridge calls it with Playwright bindings, so both expose exactly the same surface.
 */
export function createApi(
  invoke: Invoke,
  subscribe: Subscribe,
  /** Main's token for a File of a real drop (the preload registered it at the drop); undefined for any other File. */
  dropToken: (file: File) => Promise<string | undefined>
): HeirloomApi {
  const notDropped = <T>(): IpcResult<T> => ({
    ok: false,
    error: { code: 'FORBIDDEN', message: 'Only an item dropped on the window can be opened this way.' }
  })
  const drops: DropApi = {
    openDroppedPhoto: async (file) => {
      const token = await dropToken(file)
      return token ? invoke('openDroppedPhoto', { token }) : notDropped()
    },
    openDroppedFolder: async (file, recursive) => {
      const token = await dropToken(file)
      return token ? invoke('openDroppedFolder', { token, recursive }) : notDropped()
    }
  }
  // Each function is checked against its channel's types here; the assembled object is checked by name below.
  const plain =
    <C extends PlainChannel>(c: C) =>
    (request: RequestOf<C>): Reply<C> =>
      invoke(c, request)
  const event =
    <E extends EventChannel>(e: E) =>
    (listener: (payload: EventContract[E]) => void): (() => void) =>
      subscribe(e, listener)
  const api: Record<string, unknown> = { ...drops }
  for (const c of INVOKE_CHANNELS) if (isPlain(c)) api[c] = plain(c)
  for (const e of EVENT_CHANNELS) api[eventMethod(e)] = event(e)
  if (!isHeirloomApi(api)) throw new Error('window.api is missing a channel of the contract.')
  return api
}
