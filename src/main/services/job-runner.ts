import type { JobProgress } from '../../shared/ipc/types'
import { JobQueue, type JobContext } from '../core/pipeline/job-queue'
import type { PipelineProgress } from '../core/pipeline/progress'

export type ProgressEmitter = (p: JobProgress) => void

/** Maps a pipeline event to the progress the UI shows; faces and tiles give a fraction, other stages a label. */
export function jobProgressOf(jobId: string, kind: string, e: PipelineProgress): JobProgress {
  if (e.stage === 'face') {
    return { jobId, kind, stage: 'face', fraction: e.index / e.total, index: e.index + 1, total: e.total, message: `Face ${e.index + 1} of ${e.total}` }
  }
  if (e.stage === 'tile') {
    return { jobId, kind, stage: 'tile', fraction: (e.index + 1) / e.total, index: e.index + 1, total: e.total, message: `Tile ${e.index + 1} of ${e.total}` }
  }
  return { jobId, kind, stage: e.stage, fraction: 0, message: e.stage }
}

/**
 * Model work goes through one queue (one job at a time) and reports progress as `jobProgress` events, ending with
 * a `done` event whatever the outcome, so the UI's progress bar never hangs.
 */
export class JobRunner {
  private readonly queue: JobQueue
  private readonly kinds = new Map<string, string>()
  /** Jobs that are not model jobs (downloads, batches) but can still be cancelled by id. */
  private readonly external = new Map<string, AbortController>()

  constructor(private readonly emit: ProgressEmitter) {
    this.queue = new JobQueue({ onProgress: (id, e) => this.emit(jobProgressOf(id, this.kinds.get(id) ?? 'job', e)) })
  }

  async run<T>(jobId: string, kind: string, fn: (ctx: JobContext) => Promise<T>): Promise<T> {
    this.kinds.set(jobId, kind)
    this.emit({ jobId, kind, stage: 'queued', fraction: 0 })
    try {
      return await this.queue.submit(jobId, fn)
    } finally {
      this.kinds.delete(jobId)
      this.emit({ jobId, kind, stage: 'done', fraction: 1, done: true })
    }
  }

  /** Registers a cancellable non-queue job; the returned signal aborts on cancel(jobId). */
  track(jobId: string): { signal: AbortSignal; release(): void } {
    const controller = new AbortController()
    this.external.set(jobId, controller)
    return { signal: controller.signal, release: () => this.external.delete(jobId) }
  }

  cancel(jobId: string): boolean {
    const ext = this.external.get(jobId)
    if (ext) {
      ext.abort()
      return true
    }
    return this.queue.cancel(jobId)
  }

  cancelAll(): void {
    for (const c of this.external.values()) c.abort()
    this.queue.cancelAll()
  }
}
