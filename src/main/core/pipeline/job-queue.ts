import PQueue from 'p-queue'
import { HeirloomError } from '../errors'
import type { PipelineProgress } from './progress'

export interface JobContext {
  id: string
  signal: AbortSignal
  progress: (event: PipelineProgress) => void
}

const cancelled = (cause?: unknown): HeirloomError =>
  new HeirloomError('CANCELLED', 'The operation was cancelled.', cause === undefined ? {} : { cause })

/**
 * Runs model jobs one at a time (one GPU job at a time: two sessions racing for device memory is what makes
 * users' runs fail), in submission order, on p-queue (concurrency 1). Each job gets its own AbortSignal;
 * `cancel(id)` answers a waiting job at once (it is skipped when its turn comes) or aborts the running one, which
 * stops within its current model run and only then lets the next job start.
 */
export class JobQueue {
  private readonly queue = new PQueue({ concurrency: 1 })
  private readonly jobs = new Map<string, AbortController>()
  private running?: string
  private readonly onProgress?: (id: string, event: PipelineProgress) => void

  constructor(opts: { onProgress?: (id: string, event: PipelineProgress) => void } = {}) {
    this.onProgress = opts.onProgress
  }

  get runningId(): string | undefined {
    return this.running
  }

  get waitingIds(): string[] {
    return [...this.jobs.keys()].filter((id) => id !== this.running)
  }

  has(id: string): boolean {
    return this.jobs.has(id)
  }

  submit<T>(id: string, fn: (ctx: JobContext) => Promise<T>, opts: { signal?: AbortSignal } = {}): Promise<T> {
    if (this.has(id)) return Promise.reject(new HeirloomError('BUSY', `A job with id "${id}" is already queued.`))
    const controller = new AbortController()
    if (opts.signal) {
      if (opts.signal.aborted) controller.abort()
      else opts.signal.addEventListener('abort', () => this.cancel(id), { once: true })
    }
    this.jobs.set(id, controller)
    const forget = (): void => {
      if (this.jobs.get(id) === controller) this.jobs.delete(id)
    }
    const task = async (): Promise<T> => {
      // A job cancelled while it waited is skipped when its turn comes (its caller was answered at the cancel).
      if (controller.signal.aborted) throw cancelled()
      this.running = id
      try {
        return await fn({ id, signal: controller.signal, progress: (e) => this.onProgress?.(id, e) })
      } catch (err) {
        if (controller.signal.aborted) throw cancelled(err)
        throw err instanceof Error ? err : new Error(String(err))
      } finally {
        this.running = undefined
        forget()
      }
    }
    // The signal is NOT given to p-queue: p-queue rejects a RUNNING task at once on abort and starts the next one
    // while the first still runs (two model jobs at once, and a "cancelled" job that goes on changing state). So a
    // running job is answered when it stops; only a waiting one is answered at once.
    const done = this.queue.add(task)
    const whileWaiting = new Promise<never>((_, reject) => {
      const onAbort = (): void => {
        if (this.running === id) return
        forget()
        reject(cancelled())
      }
      if (controller.signal.aborted) onAbort()
      else controller.signal.addEventListener('abort', onAbort, { once: true })
    })
    done.catch(() => undefined)
    whileWaiting.catch(() => undefined)
    return Promise.race([done, whileWaiting])
  }

  /** Cancels a waiting or running job; false when no such job. */
  cancel(id: string): boolean {
    const c = this.jobs.get(id)
    if (!c) return false
    c.abort()
    return true
  }

  cancelAll(): void {
    for (const c of this.jobs.values()) c.abort()
  }
}
