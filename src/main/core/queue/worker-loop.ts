import { hostname } from 'node:os'
import { Worker } from 'bullmq'
import { toAppError } from '../errors'
import { bullConnection } from './connection'
import type { QueueJobData, QueueJobResult } from './job-data'
import { processQueueJob, type QueueProcessor } from './process-job'
import type { RedisTarget } from './redis-url'

export interface WorkerLoopOptions {
  target: RedisTarget
  queue: string
  concurrency: number
  /** How long a job stays locked to this worker without a renewal; a killed worker's jobs return after it. */
  lockMs: number
  process: QueueProcessor
  checkModels: (models: QueueJobData['models']) => Promise<void>
  onJob?: (event: { file: string; status: QueueJobResult['status'] | 'error'; message?: string }) => void
}

export interface WorkerLoop {
  name: string
  /** Stops taking jobs; `force` returns running ones to the queue instead of finishing them. */
  close(force?: boolean): Promise<void>
}

/** Takes jobs from the queue and runs each through the same per-photo processor as a local batch. */
export function startWorkerLoop(o: WorkerLoopOptions): WorkerLoop {
  const name = `${hostname()}:${process.pid}`
  const abort = new AbortController()
  const worker = new Worker<QueueJobData, QueueJobResult>(
    o.queue,
    async (job) => {
      const file = typeof job.data?.file === 'string' ? job.data.file : String(job.id)
      try {
        const result = await processQueueJob(job.data, {
          attemptsStarted: job.attemptsStarted,
          worker: name,
          signal: abort.signal,
          process: o.process,
          checkModels: o.checkModels
        })
        o.onJob?.({ file, status: result.status })
        return result
      } catch (err) {
        const e = toAppError(err)
        o.onJob?.({ file, status: 'error', message: `${e.code}: ${e.message}` })
        // The code leads the recorded reason so `queue report` can give it back as the local batch does.
        throw new Error(`${e.code}: ${e.message}`, { cause: err })
      }
    },
    {
      connection: bullConnection(o.target),
      concurrency: o.concurrency,
      lockDuration: o.lockMs,
      stalledInterval: Math.max(1000, Math.floor(o.lockMs / 2)),
      // A job whose worker was killed comes back; only a job that kills workers again and again is failed.
      maxStalledCount: 5,
      name
    }
  )
  worker.on('error', () => undefined) // connection drops are retried by the client; jobs carry their own errors
  return {
    name,
    async close(force = false) {
      if (force) abort.abort()
      await worker.close(force)
    }
  }
}
