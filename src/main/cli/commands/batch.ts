import type { Command } from 'commander'
import { join, resolve } from 'node:path'
import { EXIT_CODES } from '../../../shared/errors'
import { HeirloomError } from '../../core/errors'
import { writeFileAtomic } from '../../core/image/write'
import { REPORT_NAME, runBatch, type BatchReport } from '../../core/pipeline/batch'
import type { CliContext } from '../context'
import { downloadBar, withWorker } from '../worker-job'
import { addRestoreOptions, choiceFromFlags, jobOptionsFromFlags, type RestoreFlags } from './restore'

interface BatchFlags extends RestoreFlags {
  out: string
  recursive?: boolean
  resume?: boolean
  report?: string
}

export function registerBatchCommand(program: Command, ctx: CliContext): void {
  addRestoreOptions(
    program
      .command('batch')
      .description('restore every photo in a folder into a mirrored output folder (resumable)')
      .argument('<dir>', 'input folder (never written to)')
      .requiredOption('--out <dir>', 'output folder (mirrors the input tree)')
      .option('--recursive', 'include sub-folders')
      .option('--resume', 'skip photos finished by an earlier, interrupted run')
      .option('--report <file>', `JSON report (default <out>/${REPORT_NAME})`)
  ).action(async (dir: string, flags: BatchFlags) => {
    const choice = choiceFromFlags(flags)
    const options = jobOptionsFromFlags(flags)
    const json = ctx.globals().json
    const bar = ctx.progress()
    const downloads = downloadBar(ctx)
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
          onStart: (total) => bar.start(total, 'restoring'),
          onFile: (r, done) => bar.update(done, r.file),
          process: async (input, output, o) => {
            const r = await client.call(
              'restoreFile',
              { input, output, choice, options: { ...options, overwrite: o.overwrite } },
              { signal: o.signal, onProgress: downloads }
            )
            return { faces: r.faces.filter((f) => f.restored).length }
          }
        })
      } finally {
        bar.stop()
      }
    })
    const reportPath = resolve(flags.report ?? join(flags.out, REPORT_NAME))
    await writeFileAtomic(reportPath, Buffer.from(JSON.stringify(report, null, 2)), { overwrite: true })
    if (json) ctx.out(JSON.stringify(report))
    else {
      ctx.out(
        `${report.total} photo(s): ${report.ok} restored, ${report.noFace} without a face, ${report.skipped} skipped, ${report.errors} failed` +
          `${report.cancelled ? ' (cancelled)' : ''}; report: ${reportPath}`
      )
      for (const f of report.files) if (f.status === 'error') ctx.err(`  ${f.file}: ${f.code}: ${f.message}`)
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
  })
}
