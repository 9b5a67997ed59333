import { Option, type Command } from 'commander'
import { readFile, stat } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import type { Face } from '../../../shared/faces'
import { HeirloomError, toAppError } from '../../core/errors'
import { decodePhoto } from '../../core/image/decode'
import { formatFromPath } from '../../core/image/encode'
import { savePhoto } from '../../core/image/write'
import { writeFileAtomic } from '../../core/io/write-atomic'
import type { Engine } from '../../core/engine'
import { detectFaces } from '../../core/stages/detect'
import {
  checkMask,
  detectDamage,
  LAMA_FILE_CONTRACT,
  LAMA_MODEL_ID,
  readMask,
  repair,
  REPAIR_METHODS,
  writeMaskPng,
  type ClassicAlgorithm,
  type DamageMask,
  type DamageRegion,
  type MaskFit,
  type RepairMethod
} from '../../core/stages/repair'
import type { ModelSession } from '../../core/runtime/types'
import type { CliContext } from '../context'
import { runFolderJob } from '../folder-job'
import { round2, roundedTimings } from '../report-json'
import { parseNumber } from './detect'

export { LAMA_MODEL_ID }

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

interface Settings {
  /** 'auto' or a mask file path. */
  mask: string
  maskFit: MaskFit
  method: RepairMethod
  algorithm: ClassicAlgorithm
  sensitivity: number
  force: boolean
  detector?: string
  modelFile?: string
}

export interface RepairFileReport {
  input: string
  output: string
  width: number
  height: number
  method: RepairMethod
  mask: { source: string; areaPercent: number; pixels: number }
  regions: DamageRegion[]
  /** Faces protected during detection; null when the mask came from a file or no detector was available. */
  faces: number | null
  changed: boolean
  notes: string[]
  timings: Record<string, number>
}

async function facesFor(engine: Engine, s: Settings, img: Parameters<typeof detectFaces>[1], notes: string[]) {
  try {
    return (await detectFaces(engine, img, { detector: s.detector, verify: 'never' })).faces
  } catch (err) {
    const e = toAppError(err)
    if (e.code !== 'MODEL_MISSING' && e.code !== 'DOWNLOAD_FAILED') throw err
    // Repair needs no model; without a detector faces are simply not given the stricter treatment. Said plainly.
    notes.push(`no face detector (${e.message}); faces were not protected from the automatic mask`)
    return undefined
  }
}

async function lamaSession(engine: Engine, s: Settings): Promise<ModelSession> {
  const m = s.modelFile
    ? await engine.openModel({ file: s.modelFile, kind: 'inpainter', family: 'lama', contract: LAMA_FILE_CONTRACT })
    : await engine.openModel({ id: LAMA_MODEL_ID })
  return m.session
}

/** Repairs one photo into `output`; never writes over the input. */
export async function repairFile(
  ctx: CliContext,
  input: string,
  output: string,
  s: Settings,
  opts: { overwrite: boolean; saveMask?: string; signal?: AbortSignal; inputRoots?: string[] }
): Promise<RepairFileReport> {
  const t0 = performance.now()
  const notes: string[] = []
  const photo = await decodePhoto(input)
  const img = photo.image
  const tDecode = performance.now()
  let mask: DamageMask
  let regions: DamageRegion[] = []
  let faces: Face[] | undefined
  if (s.mask === 'auto') {
    faces = await facesFor(ctx.engine(), s, img, notes)
    const det = await detectDamage(img, faces ?? [], { sensitivity: s.sensitivity, signal: opts.signal })
    mask = det.mask
    regions = det.regions
  } else {
    mask = await readMask(s.mask, img, s.maskFit)
  }
  const tMask = performance.now()
  const pixels = checkMask(img, mask, s.force)
  if (opts.saveMask)
    await writeMaskPng(resolve(opts.saveMask), mask, { overwrite: opts.overwrite, protectedPaths: [input] })
  let changed = false
  if (pixels === 0) {
    notes.push('nothing to repair: the mask is empty; the output equals the input')
    const same = extname(input).toLowerCase() === extname(output).toLowerCase() && formatFromPath(output)
    if (same && resolve(input) !== resolve(output)) {
      await writeFileAtomic(output, await readFile(input), {
        overwrite: opts.overwrite,
        protectedPaths: [input],
        inputRoots: opts.inputRoots
      })
    } else {
      await savePhoto(output, img, saveOpts(photo, input, opts))
    }
  } else {
    const session = s.method === 'lama' ? await lamaSession(ctx.engine(), s) : undefined
    const r = await repair(img, mask, {
      method: s.method,
      algorithm: s.algorithm,
      session,
      force: s.force,
      signal: opts.signal
    })
    changed = r.changed
    await savePhoto(output, r.image, saveOpts(photo, input, opts))
  }
  const tEnd = performance.now()
  return {
    input,
    output,
    width: img.width,
    height: img.height,
    method: s.method,
    mask: {
      source: s.mask === 'auto' ? 'auto' : s.mask,
      areaPercent: Math.round((10000 * pixels) / (img.width * img.height)) / 100,
      pixels
    },
    regions: regions.map((r) => ({ ...r, box: r.box.map(round2) as DamageRegion['box'] })),
    faces: faces ? faces.length : null,
    changed,
    notes,
    timings: roundedTimings({ decode: tDecode - t0, mask: tMask - tDecode, repair: tEnd - tMask, total: tEnd - t0 })
  }
}

function saveOpts(
  photo: Awaited<ReturnType<typeof decodePhoto>>,
  input: string,
  o: { overwrite: boolean; inputRoots?: string[] }
) {
  return {
    overwrite: o.overwrite,
    protectedPaths: [input],
    inputRoots: o.inputRoots,
    grayscale: photo.grayscale,
    alpha: photo.alpha,
    metadata: photo.metadata
  }
}

function settingsFrom(f: RepairFlags): Settings {
  if (f.modelFile && f.method !== 'lama')
    throw new HeirloomError('INVALID_REQUEST', '--model-file needs --method lama.')
  return {
    mask: f.mask === undefined || f.mask === 'auto' ? 'auto' : resolve(f.mask),
    maskFit: f.maskFit ?? 'exact',
    method: f.method ?? 'classic',
    algorithm: f.algorithm ?? 'telea',
    sensitivity: parseNumber(f.sensitivity, '--sensitivity', 0, 1) ?? 0.5,
    force: f.force === true,
    detector: f.detector,
    modelFile: f.modelFile ? resolve(f.modelFile) : undefined
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
        if (s.mask !== 'auto')
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
      const r = await repairFile(ctx, resolve(input), resolve(flags.out), s, {
        overwrite: flags.overwrite === true,
        saveMask: flags.saveMask
      })
      ctx.out(ctx.globals().json ? JSON.stringify({ ...r, input, output: flags.out }) : summary(r))
    })
}
