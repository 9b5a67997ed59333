import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { HeirloomError } from '../../core/errors'
import { color } from '../../core/operations/color'
import { REPORT_NAME } from '../../core/pipeline/batch'
import type { ColorPhotoReport } from '../../core/stages/color'
import { addColorOptions, colorOptionsFromFlags, type ColorFlagValues } from '../color-options'
import type { CliContext } from '../context'
import { runFolderJob, type FolderFlags } from '../folder-job'
import { parseNumber } from './detect'

interface ColorFlags extends FolderFlags, ColorFlagValues {
  quality?: string
}

function summary(input: string, output: string, r: ColorPhotoReport): string {
  const parts: string[] = []
  if (r.fade) {
    parts.push(
      r.fade.mode === 'luminance'
        ? `levels on lightness (black ${r.fade.black[0]}, white ${r.fade.white[0]})`
        : `levels and white balance (gamma ${r.fade.gamma.join('/')}, saturation x${r.fade.saturation})`
    )
  }
  if (r.colorize) {
    parts.push(`colourised with ${r.colorize.model} at ${r.colorize.renderSize} px, blend ${r.colorize.blend}`)
  }
  return `${input}: ${parts.join('; ')} -> ${output} (${r.width}x${r.height}${r.grayscale ? ', grayscale' : ''})`
}

export function registerColorCommand(program: Command, ctx: CliContext): void {
  addColorOptions(
    program
      .command('color')
      .description('correct fading and colour casts, and/or colourise black-and-white photos (file or folder)')
      .argument('<image|folder>', 'photo file or folder (never modified)')
      .requiredOption('--out <file|folder>', 'output file, or output folder for a folder'),
    'color'
  )
    .option('--force', 'colourise even a photo that is already in colour')
    .option('--quality <q>', 'JPEG/WebP quality 1..100')
    .option('--overwrite', 'replace existing output files')
    .option('--recursive', 'folder: include sub-folders')
    .option('--resume', 'folder: skip photos finished by an earlier, interrupted run')
    .option('--report <file>', `folder: JSON report (default <out>/${REPORT_NAME})`)
    .action(async (target: string, flags: ColorFlags) => {
      const opts = colorOptionsFromFlags(flags, 'color')
      const quality = parseNumber(flags.quality, '--quality', 1, 100)
      const isDir = (await stat(target).catch(() => undefined))?.isDirectory() === true
      if (!isDir) {
        if (flags.recursive || flags.resume) {
          throw new HeirloomError('INVALID_REQUEST', '--recursive and --resume apply to a folder, not a single photo.')
        }
        const report = await color.fileJob.run(
          ctx.engine(),
          { input: resolve(target), output: resolve(flags.out), overwrite: flags.overwrite === true, quality },
          opts,
          {}
        )
        ctx.out(
          ctx.globals().json
            ? JSON.stringify({ input: target, output: flags.out, ...report })
            : summary(target, flags.out, report)
        )
        return
      }
      await runFolderJob(
        ctx,
        target,
        flags,
        { doing: 'colour', done: 'done' },
        { op: 'color', options: { ...opts, signal: undefined }, quality },
        // In-process: the Colour step is sharp plus at most one model run, so it needs no pipeline-worker method.
        () => async (input, output, o) => {
          await color.fileJob.run(
            ctx.engine(),
            { input, output, overwrite: o.overwrite, quality, inputRoots: [o.inputDir] },
            opts,
            { signal: o.signal }
          )
          return { faces: 0 }
        }
      )
    })
}
