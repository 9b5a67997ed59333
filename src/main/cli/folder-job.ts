import { join, relative, resolve, sep } from 'node:path'
import { HeirloomError } from '../core/errors'
import { writeFileAtomic } from '../core/io/write-atomic'
import { checkWrite, type WriteGuard } from '../core/io/output-guard'
import { isBatchReport, REPORT_NAME, runBatch, type BatchProcessor, type BatchReport } from '../core/pipeline/batch'
import type { PipelineWorkerClient } from '../worker/client'
import type { CliContext } from './context'
import { cliMessage } from './error-words'
import { CliExitError, SOME_FAILED_EXIT } from './exit'
import { outputExistsHint } from './hints'
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
  /** What is done to each photo: a resumed run redoes photos done with another recipe. */
  recipe: unknown,
  processWith: (client: PipelineWorkerClient) => BatchProcessor
): Promise<void> {
  // The report goes through the same guard as every output, checked before any work: never into the input tree,
  // never over a file that is not an earlier Heirloom report unless --overwrite.
  const reportPath = resolve(flags.report ?? join(flags.out, REPORT_NAME))
  const reportGuard: WriteGuard = { inputRoots: [dir], overwrite: flags.overwrite === true, replaceable: isBatchReport }
  // (The default report, inside --out, is covered by runBatch's own checks of the output folder.)
  if (flags.report !== undefined) await checkWrite(reportPath, reportGuard)
  const bar = ctx.progress()
  const inputDir = resolve(dir)
  let finished = 0
  // First Ctrl-C finishes cleanly (cancels the running photo, writes the report); the journal is always valid.
  const report: BatchReport = await withWorker(ctx, async (client, signal) => {
    const work = processWith(client)
    try {
      return await runBatch({
        inputDir: dir,
        outputDir: flags.out,
        recursive: flags.recursive === true,
        resume: flags.resume === true,
        overwrite: flags.overwrite === true,
        recipe,
        signal,
        onStart: (total) => bar.start(total, verb.doing),
        onFile: (r, done) => {
          finished = done
          bar.item?.(done, fileLine(r, verb.done))
        },
        // The live bar names the photo being worked on now, not the one just finished.
        process: (input, output, o) => {
          bar.update(finished, `${verb.doing} ${relative(inputDir, input).split(sep).join('/')}`)
          return work(input, output, o)
        }
      })
    } finally {
      bar.update(finished, verb.done)
      bar.stop()
    }
  })
  await writeFileAtomic(reportPath, Buffer.from(JSON.stringify(report, null, 2)), reportGuard)
  if (ctx.globals().json) ctx.out(JSON.stringify(report))
  else {
    ctx.out(
      `${report.total} photo(s): ${report.ok} ${verb.done}, ${report.noFace} without a face, ${report.skipped} skipped, ${report.errors} failed` +
        `${report.cancelled ? ' (cancelled)' : ''}; report: ${reportPath}`
    )
    // The error that stopped the batch is said once, by the final error line.
    const stop = report.stopped
    for (const f of report.files) {
      if (f.status === 'error' && !(stop && f.code === stop.code && f.message === stop.message)) {
        const words = cliMessage({ ...f, message: f.message ?? '' })
        ctx.err(`  ${f.file}: ${f.code}: ${words}${outputExistsHint({ code: f.code, message: words })}`)
      }
    }
    for (const f of report.files) if (f.note) ctx.err(`  ${f.file}: ${f.note}`)
    const notTaken = report.skippedEntries
    for (const s of notTaken.slice(0, 10)) ctx.err(`  not taken: ${s.file} (${s.reason})`)
    if (notTaken.length > 10) ctx.err(`  ...and ${notTaken.length - 10} more entries not taken; see ${reportPath}.`)
  }
  if (report.stopped) {
    const { code, message, ...detail } = report.stopped
    throw new HeirloomError(code, message, detail)
  }
  if (report.cancelled) throw new HeirloomError('CANCELLED', 'Batch cancelled; run again with --resume to continue.')
  if (report.errors > 0) {
    throw new CliExitError(
      SOME_FAILED_EXIT,
      `${report.errors} of ${report.total} photo(s) failed (each with its code in ${reportPath}); every other output is complete.`
    )
  }
}

/** The plain-output line for one finished photo. */
function fileLine(r: BatchReport['files'][number], done: string): string {
  switch (r.status) {
    case 'ok':
      return `${done} ${r.file}`
    case 'no-face':
      return `no face in ${r.file}`
    case 'skipped':
      return `skipped ${r.file} (done earlier)`
    case 'error':
      return `failed ${r.file}: ${r.code}`
  }
}
