import { PipelineWorkerClient } from '../worker/client'
import type { CliContext } from './context'

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
