import { z } from 'zod'
import type { Engine } from '../core/engine'
import { HeirloomError, toAppError } from '../core/errors'
import { JobQueue } from '../core/pipeline/job-queue'
import type { PipelineProgress } from '../core/pipeline/progress'
import type { ProviderPreference } from '../core/runtime/types'
import { handlers, type Handler, type HandlerContext } from './handlers'
import type { FromWorker, RequestType, ResponseValue } from './protocol'
import { payloadSchemas, toWorkerSchema } from './requests'
import { WorkerState, type Progress } from './worker-state'

type Emit = (msg: FromWorker) => void

/** Just enough of a message to answer it: a malformed one that still carries a request id gets its error. */
const messageId = z.object({ id: z.number().int().min(0) })

/** The first problem zod found, as "field: message". */
function firstIssue(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0]
  if (!issue) return 'invalid'
  return `${issue.path.length ? issue.path.map(String).join('.') : 'message'}: ${issue.message}`
}

/** Checks one payload against its request's schema, then runs its handler (typed by K: no casts). */
function runHandler<K extends RequestType>(
  type: K,
  raw: unknown,
  ctx: HandlerContext
): Promise<ResponseValue<K>> | ResponseValue<K> {
  const handler: Handler<K> = handlers[type]
  const schema: (typeof payloadSchemas)[K] = payloadSchemas[type]
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Malformed "${type}" request to the pipeline worker: ${firstIssue(parsed.error)}.`
    )
  }
  return handler.run(parsed.data, ctx)
}

/**
 * The pipeline worker's request handling, transport-free: the worker entry wires it to parentPort, tests call it
 * directly. Every message is validated at this boundary (envelope, then the payload with its request's schema); a
 * malformed one is answered with INVALID_REQUEST (or dropped when it has no id to answer), never a crash.
 */
export class PipelineWorkerService {
  private readonly queue: JobQueue
  private readonly state: WorkerState
  private readonly emit: Emit

  constructor(engine: Engine, emit: Emit, remake?: (provider: ProviderPreference) => Engine) {
    this.state = new WorkerState(engine, remake)
    this.emit = emit
    this.queue = new JobQueue({ onProgress: (id, event) => emit({ kind: 'progress', id: Number(id), event }) })
  }

  /** Forwards model download progress to whichever job is running (downloads only start inside jobs). */
  downloadProgress(event: PipelineProgress): void {
    const id = this.queue.runningId
    if (id !== undefined) this.emit({ kind: 'progress', id: Number(id), event })
  }

  /**
   * One raw message from the port. Returns 'shutdown' when the caller asked the thread to end. A message that is not
   * a valid request/cancel/shutdown is answered with INVALID_REQUEST when it carries a numeric id.
   */
  receive(message: unknown): 'shutdown' | undefined {
    const msg = toWorkerSchema.safeParse(message)
    if (!msg.success) {
      const withId = messageId.safeParse(message)
      if (withId.success) {
        const error = new HeirloomError(
          'INVALID_REQUEST',
          `Malformed message to the pipeline worker: ${firstIssue(msg.error)}.`
        )
        this.emit({ kind: 'result', id: withId.data.id, ok: false, error: toAppError(error) })
      }
      return undefined
    }
    const m = msg.data
    if (m.kind === 'cancel') this.cancel(m.id)
    else if (m.kind === 'shutdown') return 'shutdown'
    else this.handle(m.id, m.type, m.payload)
    return undefined
  }

  handle(id: number, type: RequestType, payload: unknown): void {
    const run = (signal?: AbortSignal, progress?: Progress): Promise<unknown> =>
      Promise.resolve().then(() => runHandler(type, payload, { state: this.state, signal, progress }))
    const pending = handlers[type].queued
      ? this.queue.submit(String(id), (ctx) => run(ctx.signal, ctx.progress))
      : run()
    pending.then(
      (value) => this.emit({ kind: 'result', id, ok: true, value }),
      (err: unknown) => this.emit({ kind: 'result', id, ok: false, error: toAppError(err) })
    )
  }

  cancel(id: number): void {
    this.queue.cancel(String(id))
  }

  async dispose(): Promise<void> {
    this.queue.cancelAll()
    this.state.photos.clear()
    await this.state.engine.dispose()
  }
}
