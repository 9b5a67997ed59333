import type { AppError } from '../../shared/errors'
import type { z } from 'zod'
import {
  INVOKE_CHANNELS,
  type InvokeChannel,
  type IpcResult,
  type ParsedRequestOf,
  type RequestOf,
  type ResponseOf
} from '../../shared/ipc/channels'
import { requestSchemas } from '../../shared/ipc/schemas'
import { toAppError } from '../core/errors'
import { deepChecks, type DeepChecks } from './deep-checks'

/** Who sent an IPC message (Electron: event.senderFrame). */
export interface SenderInfo {
  url: string
  isMainFrame: boolean
}

/** What a handler knows about the call besides its request. */
export interface IpcContext {
  channel: InvokeChannel
  sender: SenderInfo
}

/** A handler gets the request as its schema parsed it, never the raw payload. */
export type Handler<C extends InvokeChannel> = (request: ParsedRequestOf<C>, ctx: IpcContext) => Promise<ResponseOf<C>>
export type HandlerMap = { [C in InvokeChannel]: Handler<C> }

/**
 * The schema map seen per channel: indexing this mapped type with a generic channel gives that channel's own schema
 * type (not the union of all of them), so the parsed data and the handler line up without a cast.
 */
type SchemaMap = { [C in InvokeChannel]: z.ZodType<ParsedRequestOf<C>, RequestOf<C>> }
const schemas: SchemaMap = requestSchemas

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

const channelNames: ReadonlySet<string> = new Set(INVOKE_CHANNELS)
function isChannel(name: string): name is InvokeChannel {
  return channelNames.has(name)
}

/**
 * The only way requests reach handlers: checks the sender frame, validates the payload against the contract's
 * schema, and turns every outcome into data ({ok, value} | {ok:false, error:{code, message}}).
 */
export function createDispatcher(handlers: HandlerMap, options: DispatcherOptions): Dispatcher {
  const channels = INVOKE_CHANNELS
  for (const c of channels) {
    if (typeof handlers[c] !== 'function') throw new Error(`IPC channel "${c}" has no handler`)
  }
  /** Parses with C's schema and hands the result to C's handler: both are looked up with the same generic C. */
  const run = async <C extends InvokeChannel>(
    channel: C,
    payload: unknown,
    sender: SenderInfo
  ): Promise<IpcResult<ResponseOf<C>>> => {
    const parsed = schemas[channel].safeParse(payload)
    if (!parsed.success) {
      const first = parsed.error.issues[0]
      // Key names come from the sender: keep the echo short so a 1 MB key does not come back in the error.
      const where = first?.path.length ? ` at "${clip(first.path.join('.'))}"` : ''
      return fail(
        'INVALID_REQUEST',
        `Invalid request for ${channel}${where}: ${clip(first?.message ?? 'bad payload')}.`
      )
    }
    // Checks a schema cannot express (they need main's registry): e.g. applyOperation's params.
    const deep: DeepChecks[C] = deepChecks[channel]
    const problem = deep?.(parsed.data)
    if (problem !== undefined) return fail('INVALID_REQUEST', `Invalid request for ${channel}: ${clip(problem)}.`)
    const handler: Handler<C> = handlers[channel]
    try {
      return { ok: true, value: await handler(parsed.data, { channel, sender }) }
    } catch (err) {
      const error = toAppError(err)
      if (error.code === 'INTERNAL') options.onInternalError?.(channel, err)
      return { ok: false, error }
    }
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
      return run(channel, payload, sender)
    }
  }
}
