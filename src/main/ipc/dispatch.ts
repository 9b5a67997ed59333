import type { AppError } from '../../shared/errors'
import type { InvokeChannel, IpcResult, RequestOf, ResponseOf } from '../../shared/ipc/channels'
import { requestSchemas } from '../../shared/ipc/schemas'
import { toAppError } from '../core/errors'
import { deepChecks } from './deep-checks'

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

const clip = (text: string): string => (text.length > 120 ? `${text.slice(0, 120)}…` : text)

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

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
      // Requests are undefined or plain objects; a Map or Date would otherwise pass an all-optional schema as {}.
      if (typeof payload === 'object' && payload !== null && !isPlainObject(payload)) {
        return fail('INVALID_REQUEST', `Invalid request for ${channel}: expected a plain object.`)
      }
      const parsed = requestSchemas[channel].safeParse(payload)
      if (!parsed.success) {
        const first = parsed.error.issues[0]
        // Key names come from the sender: keep the echo short so a 1 MB key does not come back in the error.
        const where = first?.path.length ? ` at "${clip(first.path.join('.'))}"` : ''
        return fail(
          'INVALID_REQUEST',
          `Invalid request for ${channel}${where}: ${clip(first?.message ?? 'bad payload')}.`
        )
      }
      const deep = (deepChecks as Partial<Record<InvokeChannel, (req: unknown) => string | undefined>>)[channel]
      const problem = deep?.(parsed.data)
      if (problem !== undefined) return fail('INVALID_REQUEST', `Invalid request for ${channel}: ${clip(problem)}.`)
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
