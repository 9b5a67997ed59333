import { Option, type Command } from 'commander'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { HeirloomError } from '../../core/errors'
import { repairOp } from '../../core/operations/repair'
import type { RepairFileParams, RepairFileReport } from '../../core/operations/repair/file-job'
import {
  LAMA_MODEL_ID,
  REPAIR_METHODS,
  type ClassicAlgorithm,
  type MaskFit,
  type RepairMethod
} from '../../core/stages/repair'
import type { CliContext } from '../context'
import { runFolderJob } from '../folder-job'
import { parseNumber } from './detect'

export { LAMA_MODEL_ID }
export type { RepairFileReport }

interface RepairFlags {
  out: string
  mask?: string
  maskFit?: MaskFit
  method?: RepairMethod
  algorithm?: ClassicAlgorithm
  modelFile?: string
  sensitivity?: string
  saveMask?: string
  detector?: string
  force?: boolean
  overwrite?: boolean
  recursive?: boolean
  resume?: boolean
  report?: string
}

/** `heirloom repair` on one file: the repair operation's file job, in this process (OpenCV needs no worker). */
export function repairFile(
  ctx: CliContext,
  input: string,
  output: string,
  p: RepairFileParams,
  opts: { overwrite: boolean; signal?: AbortSignal; inputRoots?: string[] }
): Promise<RepairFileReport> {
  return repairOp.fileJob.run(
    ctx.engine(),
    { input, output, overwrite: opts.overwrite, inputRoots: opts.inputRoots },
    p,
    { signal: opts.signal }
  )
}

function settingsFrom(f: RepairFlags): RepairFileParams {
  if (f.modelFile && f.method !== 'lama')
    throw new HeirloomError('INVALID_REQUEST', '--model-file needs --method lama.')
  return {
    ...(f.mask === undefined || f.mask === 'auto' ? {} : { maskFile: resolve(f.mask) }),
    maskFit: f.maskFit ?? 'exact',
    method: f.method ?? 'classic',
    algorithm: f.algorithm ?? 'telea',
    sensitivity: parseNumber(f.sensitivity, '--sensitivity', 0, 1) ?? 0.5,
    force: f.force === true,
    ...(f.detector ? { detector: f.detector } : {}),
    ...(f.modelFile ? { modelFile: resolve(f.modelFile) } : {})
  }
}

function summary(r: RepairFileReport): string {
  const kinds = new Map<string, number>()
  for (const g of r.regions) kinds.set(g.kind, (kinds.get(g.kind) ?? 0) + 1)
  const found = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ')
  const head = r.changed
    ? `${r.input}: repaired ${r.mask.areaPercent} % of the photo (${r.mask.source === 'auto' ? `auto mask${found ? `: ${found}` : ''}` : `mask ${r.mask.source}`}) with ${r.method} -> ${r.output} in ${(r.timings.total / 1000).toFixed(2)} s`
    : `${r.input}: nothing to repair; ${r.output} equals the input`
  return [head, ...r.notes.filter((n) => !n.startsWith('nothing')).map((n) => `  note: ${n}`)].join('\n')
}

export function registerRepairCommand(program: Command, ctx: CliContext): void {
  program
    .command('repair')
    .description('find and inpaint scratches, dust and torn corners (classic: no download; lama: OpenCV Zoo LaMa)')
    .argument('<input>', 'photo file or folder (never modified)')
    .requiredOption('--out <path>', 'output file, or folder for a folder input (mirrors the input tree)')
    .option('--mask <auto|file>', 'auto-detect damage, or a mask PNG of the photo size (non-zero = damaged)', 'auto')
    .addOption(
      new Option('--mask-fit <mode>', 'a mask of another size: exact refuses it, stretch resizes it')
        .choices(['exact', 'stretch'])
        .default('exact')
    )
    .addOption(new Option('--method <m>', 'inpainting method').choices([...REPAIR_METHODS]).default('classic'))
    .addOption(
      new Option('--algorithm <a>', 'classic: Telea or Navier-Stokes').choices(['telea', 'ns']).default('telea')
    )
    .option('--model-file <onnx>', 'lama: a LaMa ONNX file instead of the installed lama-2025jan')
    .option('--sensitivity <s>', 'auto mask: 0 (only obvious damage) .. 1 (more)', '0.5')
    .option('--save-mask <png>', 'write the mask used (255 = damaged); single photos only')
    .option('--detector <id>', 'face detector protecting faces from the auto mask (default yunet-2023mar)')
    .option('--force', 'repair even when the mask covers more than 60 % of the photo')
    .option('--overwrite', 'replace existing output files')
    .option('--recursive', 'folder: include sub-folders')
    .option('--resume', 'folder: skip photos finished by an earlier, interrupted run')
    .option('--report <file>', 'folder: JSON report path')
    .action(async (input: string, flags: RepairFlags) => {
      const s = settingsFrom(flags)
      const info = await stat(input).catch(() => undefined)
      if (!info) throw new HeirloomError('NOT_FOUND', `Photo or folder not found: ${input}`)
      if (info.isDirectory()) {
        if (s.maskFile !== undefined)
          throw new HeirloomError(
            'INVALID_REQUEST',
            'A folder is repaired with --mask auto (one mask file fits one photo).'
          )
        if (flags.saveMask) throw new HeirloomError('INVALID_REQUEST', '--save-mask applies to a single photo.')
        await runFolderJob(
          ctx,
          input,
          flags,
          { doing: 'repairing', done: 'repaired' },
          { op: 'repair', ...s },
          // The pipeline worker is not needed (OpenCV runs here); the folder job still gives journal, resume, Ctrl-C.
          () => async (file, output, o) => {
            const r = await repairFile(ctx, file, output, s, {
              overwrite: o.overwrite,
              signal: o.signal,
              inputRoots: [o.inputDir]
            })
            return { faces: r.faces ?? 0 }
          }
        )
        return
      }
      if (flags.saveMask && [resolve(input), resolve(flags.out)].includes(resolve(flags.saveMask))) {
        throw new HeirloomError('FORBIDDEN', '--save-mask must name a file other than the photo and the output.')
      }
      const saveMask = flags.saveMask ? { saveMaskFile: resolve(flags.saveMask) } : {}
      const r = await repairFile(
        ctx,
        resolve(input),
        resolve(flags.out),
        { ...s, ...saveMask },
        {
          overwrite: flags.overwrite === true
        }
      )
      ctx.out(ctx.globals().json ? JSON.stringify({ ...r, input, output: flags.out }) : summary(r))
    })
}
