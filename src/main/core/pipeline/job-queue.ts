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
 * `cancel(id)` drops a waiting job at once (p-queue removes an aborted task) or aborts the running one, which stops
 * within its current model run.
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
    const task = async (): Promise<T> => {
      this.running = id
      try {
        if (controller.signal.aborted) throw cancelled()
        return await fn({ id, signal: controller.signal, progress: (e) => this.onProgress?.(id, e) })
      } catch (err) {
        if (controller.signal.aborted) throw cancelled(err)
        throw err instanceof Error ? err : new Error(String(err))
      } finally {
        this.running = undefined
      }
    }
    return this.queue
      .add(task, { signal: controller.signal })
      .catch((err: unknown) => {
        // p-queue rejects a task aborted while it waited with the signal's reason.
        throw controller.signal.aborted && !(err instanceof HeirloomError) ? cancelled(err) : err
      })
      .finally(() => this.jobs.delete(id))
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
