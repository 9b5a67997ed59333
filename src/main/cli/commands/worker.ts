import type { Command } from 'commander'
import { HeirloomError } from '../../core/errors'
import { assertRedisReachable } from '../../core/queue/connection'
import { checkJobModels } from '../../core/queue/model-check'
import { startWorkerLoop } from '../../core/queue/worker-loop'
import { PipelineWorkerClient } from '../../worker/client'
import type { CliContext } from '../context'
import { parseNumber } from './detect'
import { addQueueTarget, redisTarget } from './queue'

interface WorkerFlags {
  redis?: string
  queue: string
  concurrency: string
  lockMs: string
}

export function registerWorkerCommand(program: Command, ctx: CliContext): void {
  addQueueTarget(
    program
      .command('worker')
      .description('take photos from a Redis queue and restore them (Ctrl-C: finish the current photo, then stop)')
      .option('--concurrency <n>', 'photos in flight at once on this machine', '1')
      .option(
        '--lock-ms <ms>',
        "how long a photo stays this worker's without a heartbeat (a killed worker's photos return after it)",
        '30000'
      )
  ).action(async (flags: WorkerFlags) => {
    const target = redisTarget(flags)
    const concurrency = parseNumber(flags.concurrency, '--concurrency', 1, 64) ?? 1
    const lockMs = parseNumber(flags.lockMs, '--lock-ms', 1000, 3_600_000) ?? 30_000
    if (!Number.isInteger(concurrency)) throw new HeirloomError('INVALID_REQUEST', '--concurrency is a whole number.')
    await assertRedisReachable(target)
    const g = ctx.globals()
    // No downloads on a worker: a job runs only with the models it was queued with (checked per job).
    const client = PipelineWorkerClient.start({
      modelsDir: g.modelsDir,
      provider: g.provider,
      autoDownload: false,
      credentials: g.credentials
    })
    const store = ctx.engine().store
    const loop = startWorkerLoop({
      target,
      queue: flags.queue,
      concurrency,
      lockMs,
      checkModels: (models) => checkJobModels(store, models),
      process: (job, input, output, o) => {
        // The queue's `overwrite` is the write's, the rest the restore file job's options.
        const { overwrite: _queued, ...options } = job.options
        return client.call(
          'runFileJob',
          {
            op: 'restore',
            input,
            output,
            overwrite: o.overwrite,
            params: { choice: job.choice, options: { ...options, ...(job.steps ? { steps: job.steps } : {}) } }
          },
          { signal: o.signal }
        )
      },
      onJob: (e) =>
        g.json ? ctx.out(JSON.stringify(e)) : ctx.err(`${e.file}: ${e.status}${e.message ? ` (${e.message})` : ''}`)
    })
    ctx.err(`worker ${loop.name} on queue "${flags.queue}" at ${target.shown}; Ctrl-C to stop after the current photo`)
    await new Promise<void>((done) => {
      let stopping = false
      const stop = (): void => {
        // First signal: finish the running photo(s). A second: hand them back to the queue now.
        void loop.close(stopping).then(done, done)
        stopping = true
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    })
    await client.close()
  })
}
