import type { AppError } from '../../shared/errors'
import type { InvokeChannel, IpcResult, RequestOf, ResponseOf } from '../../shared/ipc/channels'
import { requestSchemas } from '../../shared/ipc/schemas'
import { toAppError } from '../core/errors'

/** Who sent an IPC message (Electron: event.senderFrame). */
export interface SenderInfo {
  url: string
  isMainFrame: boolean
}

export type Handler<C extends InvokeChannel> = (request: RequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C>
export type HandlerMap = { [C in InvokeChannel]: Handler<C> }

export interface Dispatcher {
  readonly channels: readonly InvokeChannel[]
  dispatch(channel: string, payload: unknown, sender: SenderInfo): Promise<IpcResult<unknown>>
}

export interface DispatcherOptions {
  isTrustedSender(sender: SenderInfo): boolean
  /** Called with unexpected (INTERNAL) failures, for logging. */
  onInternalError?(channel: string, err: unknown): void
}

const fail = (code: AppError['code'], message: string): IpcResult<never> => ({ ok: false, error: { code, message } })

function isChannel(name: string): name is InvokeChannel {
  return Object.prototype.hasOwnProperty.call(requestSchemas, name)
}

/**
 * The only way requests reach handlers: checks the sender frame, validates the payload against the contract's
 * schema, and turns every outcome into data ({ok, value} | {ok:false, error:{code, message}}).
 */
export function createDispatcher(handlers: HandlerMap, options: DispatcherOptions): Dispatcher {
  const channels = Object.keys(requestSchemas) as InvokeChannel[]
  for (const c of channels) {
    if (typeof handlers[c] !== 'function') throw new Error(`IPC channel "${c}" has no handler`)
  }
  return {
    channels,
    async dispatch(channel, payload, sender) {
      if (typeof channel !== 'string' || !isChannel(channel)) return fail('INVALID_REQUEST', 'Unknown IPC channel.')
      if (!sender.isMainFrame || !options.isTrustedSender(sender)) {
        return fail('FORBIDDEN', 'The request did not come from the application window.')
      }
      const parsed = requestSchemas[channel].safeParse(payload)
      if (!parsed.success) {
        const first = parsed.error.issues[0]
        const where = first?.path.length ? ` at "${first.path.join('.')}"` : ''
        return fail('INVALID_REQUEST', `Invalid request for ${channel}${where}: ${first?.message ?? 'bad payload'}.`)
      }
      try {
        const handler = handlers[channel] as (req: unknown) => unknown
        const value = await handler(parsed.data)
        return { ok: true, value }
      } catch (err) {
        const error = toAppError(err)
        if (error.code === 'INTERNAL') options.onInternalError?.(channel, err)
        return { ok: false, error }
      }
    }
  }
}
