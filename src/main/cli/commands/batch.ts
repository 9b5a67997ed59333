import type { Command } from 'commander'
import { REPORT_NAME } from '../../core/pipeline/batch'
import type { CliContext } from '../context'
import { runFolderJob, type FolderFlags } from '../folder-job'
import { downloadBar } from '../stage-line'
import { recipeStepsFromFlags } from '../recipe-options'
import { addRestoreOptions, batchIdentity, choiceFromFlags, jobOptionsFromFlags, type RestoreFlags } from './restore'

interface BatchFlags extends RestoreFlags, FolderFlags {
  out: string
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
    // The steps go into the journal's recipe: a changed recipe redoes the photo on --resume.
    const steps = recipeStepsFromFlags(flags, 'folder')
    const downloads = downloadBar(ctx)
    await runFolderJob(
      ctx,
      dir,
      flags,
      { doing: 'restoring', done: 'restored' },
      { op: 'restore', choice, options, ...(steps ? { steps } : {}) },
      (client) => async (input, output, o) => {
        const r = await client.call(
          'restoreFile',
          {
            input,
            output,
            choice,
            options: { ...options, overwrite: o.overwrite, inputRoots: [o.inputDir], ...(steps ? { steps } : {}) }
          },
          { signal: o.signal, onProgress: downloads }
        )
        return { faces: r.faces.filter((f) => f.restored).length, identity: batchIdentity(r) }
      }
    )
  })
}
