import { join, resolve } from 'node:path'
import { EXIT_CODES } from '../../shared/errors'
import { HeirloomError } from '../core/errors'
import { writeFileAtomic } from '../core/image/write'
import { REPORT_NAME, runBatch, type BatchProcessor, type BatchReport } from '../core/pipeline/batch'
import type { PipelineWorkerClient } from '../worker/client'
import type { CliContext } from './context'
import { cliMessage } from './error-words'
import { withWorker } from './worker-job'

export interface FolderFlags {
  out: string
  recursive?: boolean
  resume?: boolean
  report?: string
  overwrite?: boolean
}

/**
 * Runs one per-photo job over a folder into a mirrored output folder (journaled, resumable), shows a progress bar,
 * writes the JSON report, and turns the outcome into the exit code: shared by `batch` (restore) and `age <folder>`.
 */
export async function runFolderJob(
  ctx: CliContext,
  dir: string,
  flags: FolderFlags,
  verb: { doing: string; done: string },
  processWith: (client: PipelineWorkerClient) => BatchProcessor
): Promise<void> {
  const bar = ctx.progress()
  // First Ctrl-C finishes cleanly (cancels the running photo, writes the report); the journal is always valid.
  const report: BatchReport = await withWorker(ctx, async (client, signal) => {
    try {
      return await runBatch({
        inputDir: dir,
        outputDir: flags.out,
        recursive: flags.recursive === true,
        resume: flags.resume === true,
        overwrite: flags.overwrite === true,
        signal,
        onStart: (total) => bar.start(total, verb.doing),
        onFile: (r, done) => bar.update(done, r.file),
        process: processWith(client)
      })
    } finally {
      bar.stop()
    }
  })
  const reportPath = resolve(flags.report ?? join(flags.out, REPORT_NAME))
  await writeFileAtomic(reportPath, Buffer.from(JSON.stringify(report, null, 2)), { overwrite: true })
  if (ctx.globals().json) ctx.out(JSON.stringify(report))
  else {
    ctx.out(
      `${report.total} photo(s): ${report.ok} ${verb.done}, ${report.noFace} without a face, ${report.skipped} skipped, ${report.errors} failed` +
        `${report.cancelled ? ' (cancelled)' : ''}; report: ${reportPath}`
    )
    for (const f of report.files)
      if (f.status === 'error') ctx.err(`  ${f.file}: ${f.code}: ${cliMessage({ ...f, message: f.message ?? '' })}`)
  }
  if (report.stopped) throw new HeirloomError(report.stopped.code, report.stopped.message)
  if (report.cancelled) throw new HeirloomError('CANCELLED', 'Batch cancelled; run again with --resume to continue.')
  const firstError = report.files.find((f) => f.status === 'error')
  if (firstError?.code) {
    throw new HeirloomError(
      firstError.code,
      `${report.errors} photo(s) failed (exit code ${EXIT_CODES[firstError.code]}); see ${reportPath}.`
    )
  }
}
