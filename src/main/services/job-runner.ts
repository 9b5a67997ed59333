import type { JobProgress, ModelProgress } from '../../shared/ipc/types'
import { HeirloomError } from '../core/errors'
import type { JobContext } from '../core/pipeline/job-queue'
import type { PipelineProgress } from '../core/pipeline/progress'

export type ProgressEmitter = (p: JobProgress) => void

/** Cancels that arrived before their job started are remembered this long (ids are minted by the renderer). */
const EARLY_CANCELS_KEPT = 64

/** Where each step inside a face starts, as a share of that face (the model step is the long, opaque one). */
const STEP_START = { align: 0, model: 0.1, paste: 0.9 } as const

/** Maps a pipeline event to the progress the UI shows; faces and tiles give a fraction, other stages a label. */
export function jobProgressOf(jobId: string, kind: string, e: PipelineProgress): JobProgress {
  if (e.stage === 'face-step') {
    return {
      jobId,
      kind,
      stage: 'face-step',
      step: e.step,
      fraction: (e.index + STEP_START[e.step]) / e.total,
      index: e.index + 1,
      total: e.total,
      message: `Face ${e.index + 1} of ${e.total}`
    }
  }
  if (e.stage === 'detect') return { jobId, kind, stage: 'detect', step: 'detect', fraction: 0, message: 'detect' }
  if (e.stage === 'face') {
    return {
      jobId,
      kind,
      stage: 'face',
      fraction: e.index / e.total,
      index: e.index + 1,
      total: e.total,
      message: `Face ${e.index + 1} of ${e.total}`
    }
  }
  if (e.stage === 'tile') {
    return {
      jobId,
      kind,
      stage: 'tile',
      fraction: (e.index + 1) / e.total,
      index: e.index + 1,
      total: e.total,
      message: `Tile ${e.index + 1} of ${e.total}`
    }
  }
  return { jobId, kind, stage: e.stage, fraction: 0, message: e.stage }
}

/** A model download the worker started on its own (auto-download), as the Models panel shows it. */
export function modelProgressOf(e: Extract<PipelineProgress, { stage: 'download' }>): ModelProgress {
  const done = e.total !== undefined && e.received >= e.total
  return {
    id: e.model,
    received: e.received,
    ...(e.total !== undefined ? { total: e.total } : {}),
    ...(done ? { done } : {})
  }
}

/**
 * Jobs the renderer can follow and cancel by the id it minted. The work itself runs in the pipeline worker (which
 * runs model jobs one at a time); this keeps each job's AbortSignal, reports progress as `jobProgress` events
 * (downloads as `modelProgress`) and always ends with a `done` event, so the UI's progress bar never hangs.
 */
export class JobRunner {
  private readonly running = new Map<string, AbortController>()
  /** Jobs that are not editor jobs (downloads, batches) but can still be cancelled by id. */
  private readonly external = new Map<string, AbortController>()
  /** Job ids cancelled before their request reached run() (the cancel IPC can overtake the job's own). */
  private readonly cancelledEarly = new Set<string>()

  constructor(
    private readonly emit: ProgressEmitter,
    private readonly emitModel: (p: ModelProgress) => void = () => undefined
  ) {}

  async run<T>(jobId: string, kind: string, fn: (ctx: JobContext) => Promise<T>): Promise<T> {
    if (this.running.has(jobId) || this.external.has(jobId)) {
      throw new HeirloomError('BUSY', `A job with id "${jobId}" is already running.`)
    }
    const controller = new AbortController()
    if (this.cancelledEarly.delete(jobId)) controller.abort()
    this.running.set(jobId, controller)
    this.emit({ jobId, kind, stage: 'queued', fraction: 0 })
    try {
      if (controller.signal.aborted) throw new HeirloomError('CANCELLED', 'The operation was cancelled.')
      return await fn({
        id: jobId,
        signal: controller.signal,
        progress: (e) =>
          e.stage === 'download' ? this.emitModel(modelProgressOf(e)) : this.emit(jobProgressOf(jobId, kind, e))
      })
    } finally {
      this.running.delete(jobId)
      this.emit({ jobId, kind, stage: 'done', fraction: 1, done: true })
    }
  }

  /** Registers a cancellable non-editor job; the returned signal aborts on cancel(jobId). */
  track(jobId: string): { signal: AbortSignal; release(): void } {
    const controller = new AbortController()
    if (this.cancelledEarly.delete(jobId)) controller.abort()
    this.external.set(jobId, controller)
    return { signal: controller.signal, release: () => this.external.delete(jobId) }
  }

  /** Cancels a running job; an id not started yet is remembered, so its job is cancelled when it arrives. */
  cancel(jobId: string): boolean {
    const c = this.external.get(jobId) ?? this.running.get(jobId)
    if (!c) {
      this.cancelledEarly.add(jobId)
      if (this.cancelledEarly.size > EARLY_CANCELS_KEPT) {
        const oldest = this.cancelledEarly.values().next().value
        if (oldest !== undefined) this.cancelledEarly.delete(oldest)
      }
      return false
    }
    c.abort()
    return true
  }

  cancelAll(): void {
    for (const c of this.external.values()) c.abort()
    for (const c of this.running.values()) c.abort()
  }
}
