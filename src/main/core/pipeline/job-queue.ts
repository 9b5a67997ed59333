import { HeirloomError } from '../errors'
import type { PipelineProgress } from './progress'

export interface JobContext {
  id: string
  signal: AbortSignal
  progress: (event: PipelineProgress) => void
}

interface QueuedJob {
  id: string
  controller: AbortController
  run: () => Promise<void>
  reject: (err: unknown) => void
}

/**
 * Runs model jobs one at a time (one GPU job at a time: two sessions racing for device memory is what makes
 * users' runs fail), in submission order. Each job gets its own AbortSignal; `cancel(id)` drops a waiting job at
 * once or aborts the running one, which stops within its current model run.
 */
export class JobQueue {
  private readonly waiting: QueuedJob[] = []
  private current?: QueuedJob
  private readonly onProgress?: (id: string, event: PipelineProgress) => void

  constructor(opts: { onProgress?: (id: string, event: PipelineProgress) => void } = {}) {
    this.onProgress = opts.onProgress
  }

  get runningId(): string | undefined {
    return this.current?.id
  }

  get waitingIds(): string[] {
    return this.waiting.map((j) => j.id)
  }

  has(id: string): boolean {
    return this.current?.id === id || this.waiting.some((j) => j.id === id)
  }

  submit<T>(id: string, fn: (ctx: JobContext) => Promise<T>, opts: { signal?: AbortSignal } = {}): Promise<T> {
    if (this.has(id)) return Promise.reject(new HeirloomError('BUSY', `A job with id "${id}" is already queued.`))
    const controller = new AbortController()
    if (opts.signal) {
      if (opts.signal.aborted) controller.abort()
      else opts.signal.addEventListener('abort', () => this.cancel(id), { once: true })
    }
    return new Promise<T>((resolve, reject) => {
      const job: QueuedJob = {
        id,
        controller,
        reject,
        run: async () => {
          try {
            if (controller.signal.aborted) throw new HeirloomError('CANCELLED', 'The operation was cancelled.')
            resolve(await fn({ id, signal: controller.signal, progress: (e) => this.onProgress?.(id, e) }))
          } catch (err) {
            if (controller.signal.aborted)
              reject(new HeirloomError('CANCELLED', 'The operation was cancelled.', { cause: err }))
            else reject(err instanceof Error ? err : new Error(String(err)))
          }
        }
      }
      this.waiting.push(job)
      this.pump()
    })
  }

  /** Cancels a waiting or running job; false when no such job. */
  cancel(id: string): boolean {
    const i = this.waiting.findIndex((j) => j.id === id)
    if (i >= 0) {
      const [job] = this.waiting.splice(i, 1)
      job.controller.abort()
      job.reject(new HeirloomError('CANCELLED', 'The operation was cancelled.'))
      return true
    }
    if (this.current?.id === id) {
      this.current.controller.abort()
      return true
    }
    return false
  }

  cancelAll(): void {
    for (const j of [...this.waiting]) this.cancel(j.id)
    this.current?.controller.abort()
  }

  private pump(): void {
    if (this.current) return
    const next = this.waiting.shift()
    if (!next) return
    this.current = next
    void next.run().finally(() => {
      this.current = undefined
      this.pump()
    })
  }
}
