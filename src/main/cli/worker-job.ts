import type { PipelineProgress } from '../core/pipeline/progress'
import { PipelineWorkerClient } from '../worker/client'
import type { CliContext, ProgressReporter } from './context'

/** Starts the pipeline worker for a CLI command (same worker the desktop app uses). */
export function startWorker(ctx: CliContext): PipelineWorkerClient {
  const g = ctx.globals()
  return PipelineWorkerClient.start({
    modelsDir: g.modelsDir,
    provider: g.provider,
    autoDownload: true,
    acceptLicences: g.acceptLicense,
    credentials: g.credentials
  })
}

/** Shows model downloads on a stderr progress bar. */
export function downloadBar(ctx: CliContext): (e: PipelineProgress) => void {
  let bar: ProgressReporter | undefined
  return (e) => {
    if (e.stage !== 'download') return
    if (!bar && e.total) {
      bar = ctx.progress({ unit: 'bytes' })
      bar.start(e.total, `downloading ${e.model}`)
    }
    bar?.update(e.received)
    if (bar && e.total !== undefined && e.received >= e.total) {
      bar.stop()
      bar = undefined
    }
  }
}

/**
 * Runs `job` against a fresh pipeline worker; Ctrl-C aborts the signal it is given (the job then ends cleanly) and
 * the worker is closed however the job ends.
 */
export async function withWorker<T>(
  ctx: CliContext,
  job: (client: PipelineWorkerClient, signal: AbortSignal) => Promise<T>
): Promise<T> {
  const client = startWorker(ctx)
  const ac = new AbortController()
  const onSigint = (): void => ac.abort()
  process.once('SIGINT', onSigint)
  try {
    return await job(client, ac.signal)
  } finally {
    process.removeListener('SIGINT', onSigint)
    await client.close()
  }
}
