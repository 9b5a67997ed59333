import { Option, type Command } from 'commander'
import { resolve } from 'node:path'
import { HeirloomError } from '../../core/errors'
import { parseFaceChoice } from '../../core/pipeline/face-selection'
import { RESTORER_KINDS, type RestoreModelChoice, type RestorerKind } from '../../core/pipeline/restore-deps'
import type { RestoreReport } from '../../core/pipeline/restore-photo'
import type { BatchFaceIdentity } from '../../core/pipeline/batch'
import type { RestoreJobOptions } from '../../worker/protocol'
import type { CliContext } from '../context'
import { faceRowHead, roundedTimings } from '../report-json'
import { downloadBar, singlePhotoProgress } from '../stage-line'
import { withWorker } from '../worker-job'
import { addRecipeOptions, recipeStepsFromFlags, type RecipeFlags } from '../recipe-options'
import { noteUnsigned } from './credentials'
import { PASTE_REGIONS, type PasteRegions } from '../../core/pipeline/face-helpers'
import { ageLabel } from '../../core/stages/age-estimate/fairface'
import { addDetectOptions, detectOptionsFromFlags, parseInteger, parseNumber, type DetectFlags } from './detect'
import { DEFAULT_RESTORE_STRENGTH } from '../../../shared/defaults'

export interface RestoreFlags extends DetectFlags, RecipeFlags {
  model?: string
  modelFile?: string
  modelKind?: RestorerKind
  faces?: string
  strength?: string
  fidelity?: string
  upscale?: string
  bgUpscaler?: string
  bgTile?: string
  colorTransfer?: boolean
  overwrite?: boolean
  mask?: PasteRegions
  minIdentity?: string
}

/** Restore flags shared by `restore`, `batch` and `queue add` (with the recipe's repair and colour steps). */
export function addRestoreOptions(cmd: Command): Command {
  return addRecipeOptions(addRestoreOnlyOptions(cmd))
}

function addRestoreOnlyOptions(cmd: Command): Command {
  return addDetectOptions(
    cmd
      .option(
        '--model <id>',
        'restorer model id (default gfpgan-1.4; also gfpgan-1.3, gfpgan-1.2, codeformer, restoreformer-plus-plus, gpen-bfr-512)'
      )
      .option('--model-file <file>', 'a custom restorer ONNX file instead of a model id (needs --model-kind)')
      .addOption(new Option('--model-kind <kind>', 'family of --model-file').choices([...RESTORER_KINDS]))
      .option('--faces <list>', 'faces to restore: all, or indices like 0,2 (left to right)', 'all')
      .option('--strength <s>', 'blend of the restored face over the original, 0..1', String(DEFAULT_RESTORE_STRENGTH))
      .option('--fidelity <w>', 'CodeFormer fidelity, 0 (most restoration) .. 1 (most faithful)', '0.5')
      .addOption(new Option('--upscale <n>', 'upscale the whole photo').choices(['1', '2', '4']).default('1'))
      .option(
        '--bg-upscaler <id>',
        'background upscaler model id (e.g. real-esrgan-x2plus), or none for Lanczos',
        'none'
      )
      .option('--bg-tile <px>', 'background upscaler tile size (default from the model, 400)')
      .option('--color-transfer', 'match the restored face colours to the original skin tone')
      .addOption(
        new Option(
          '--mask <kind>',
          'paste-back: box, or regions (skin and features only; hair, hands and hats stay the original). Default regions when a face parser is installed'
        ).choices([...PASTE_REGIONS])
      )
      .option(
        '--min-identity <c>',
        'keep identity: lower the blend until the SFace similarity to the original reaches c (e.g. 0.5; needs sface-2021dec)'
      )
      .option('--overwrite', 'replace an existing output file')
  )
}

export function choiceFromFlags(f: RestoreFlags): RestoreModelChoice {
  if (f.modelFile && !f.modelKind)
    throw new HeirloomError('INVALID_REQUEST', `--model-file needs --model-kind ${RESTORER_KINDS.join('|')}.`)
  if (f.modelKind && !f.modelFile)
    throw new HeirloomError('INVALID_REQUEST', '--model-kind only applies with --model-file.')
  return {
    model: f.model,
    modelFile: f.modelFile ? resolve(f.modelFile) : undefined,
    modelKind: f.modelKind,
    bgUpscaler: f.bgUpscaler && f.bgUpscaler !== 'none' ? f.bgUpscaler : undefined,
    bgTile: parseInteger(f.bgTile, '--bg-tile', 32, 4096),
    detect: detectOptionsFromFlags(f)
  }
}

export function jobOptionsFromFlags(f: RestoreFlags): RestoreJobOptions {
  return {
    faces: parseFaceChoice(f.faces ?? 'all'),
    strength: parseNumber(f.strength, '--strength', 0, 1),
    fidelity: parseNumber(f.fidelity, '--fidelity', 0, 1),
    upscale: parseNumber(f.upscale, '--upscale', 1, 4),
    colorTransfer: f.colorTransfer === true,
    ...(f.mask ? { paste: f.mask } : {}),
    ...(f.minIdentity !== undefined ? { minIdentity: parseNumber(f.minIdentity, '--min-identity', 0, 1) } : {})
  }
}

export function restoreJson(input: string, output: string, r: RestoreReport): Record<string, unknown> {
  return {
    input,
    output,
    image: { width: r.width, height: r.height },
    outputImage: { width: r.outputWidth, height: r.outputHeight },
    model: r.model,
    detector: r.detector ?? null,
    background: r.background,
    faces: r.faces.map((f) => ({
      ...faceRowHead(f),
      restored: f.restored,
      ...(f.failed ? { failed: f.failed } : {}),
      ...(f.strength !== undefined ? { strength: f.strength } : {}),
      identity: f.identity ?? null,
      age: f.age ? { bucket: f.age.bucket, label: ageLabel(f.age) } : null,
      timings: f.timings ? roundedTimings(f.timings) : null
    })),
    ...(r.steps ? { steps: r.steps.map((s) => ({ ...s, ms: Math.round(s.ms) })) } : {}),
    notes: r.notes ?? [],
    timings: roundedTimings(r.timings)
  }
}

/** The batch report's per-face identity rows. */
export function batchIdentity(r: RestoreReport): BatchFaceIdentity[] {
  return r.faces.flatMap((f) =>
    f.identity
      ? [
          {
            face: f.index,
            similarity: f.identity.similarity,
            samePerson: f.identity.samePerson,
            ...(f.identity.keep ? { strength: f.identity.keep.toStrength, reached: f.identity.keep.reached } : {})
          }
        ]
      : []
  )
}

/** One recipe step in words, e.g. "repair classic 0.42 %" or "colour (fade, colourised with ddcolor)". */
function stepText(s: NonNullable<RestoreReport['steps']>[number]): string {
  switch (s.op) {
    case 'repair':
      return s.changed ? `repair ${s.method} ${s.areaPercent} %` : 'repair (nothing to repair)'
    case 'color':
      return `colour (${[s.fade ? `fade ${s.fade.mode}` : '', s.colorize ? `colourised with ${s.colorize.model}` : ''].filter(Boolean).join(', ')})`
    case 'restore':
      return `restore ${s.model}`
  }
}

function summary(input: string, output: string, r: RestoreReport): string {
  const done = r.faces.filter((f) => f.restored).length
  const lines = [
    `${input}: restored ${done} of ${r.faces.length} face(s) with ${r.model.id} on ${r.model.provider}` +
      (r.model.fidelity === 'fixed' ? '' : ` (fidelity ${r.model.fidelity})`) +
      ` -> ${output} (${r.outputWidth}x${r.outputHeight}${r.background.scale > 1 ? `, background x${r.background.scale} ${r.background.id}` : ''}) in ${(r.timings.total / 1000).toFixed(2)} s`
  ]
  for (const f of r.faces) {
    const [x, y, w, h] = f.box.map((v) => Math.round(v))
    lines.push(
      `  face ${f.index}: box ${x},${y} ${w}x${h}${f.restored ? `, model ${Math.round(f.timings?.model ?? 0)} ms` : f.failed ? ` (left as it was: ${f.failed.code})` : ' (not chosen)'}` +
        (f.identity
          ? `, identity ${f.identity.similarity.toFixed(2)}${f.identity.samePerson ? '' : ' (under 0.363: may not look like the same person)'}`
          : '') +
        (f.age ? `, ${ageLabel(f.age)}` : '')
    )
  }
  if (r.steps) lines.push(`  steps: ${r.steps.map(stepText).join(' -> ')}`)
  for (const n of r.notes ?? []) lines.push(`  note: ${n}`)
  return lines.join('\n')
}

export function registerRestoreCommand(program: Command, ctx: CliContext): void {
  addRestoreOptions(
    program
      .command('restore')
      .description('restore the faces of a photo (GFPGAN, CodeFormer, RestoreFormer++, GPEN) and write a new file')
      .argument('<image>', 'photo file (never modified)')
      .requiredOption('--out <file>', 'output file (.jpg, .png, .tif, .webp)')
  ).action(async (image: string, flags: RestoreFlags & { out: string }) => {
    const choice = choiceFromFlags(flags)
    const options = jobOptionsFromFlags(flags)
    const steps = recipeStepsFromFlags(flags, 'photo')
    const downloads = downloadBar(ctx)
    // On a terminal, a job that takes more than a second shows its stage (detect / face n of m / upscale / write).
    const progress = singlePhotoProgress('restore', flags.out, downloads)
    await withWorker(ctx, async (client, signal) => {
      const report = await client
        .call(
          'restoreFile',
          {
            input: resolve(image),
            output: resolve(flags.out),
            choice,
            options: { ...options, overwrite: flags.overwrite === true, ...(steps ? { steps } : {}) }
          },
          { signal, onProgress: progress.onProgress }
        )
        .finally(() => progress.done())
      if (
        report.model.fidelity === 'fixed' &&
        flags.fidelity !== undefined &&
        (choice.model === 'codeformer' || flags.modelKind === 'codeformer')
      ) {
        ctx.err(
          'note: this CodeFormer export has no fidelity input; its fidelity is fixed and --fidelity was not applied.'
        )
      }
      ctx.out(
        ctx.globals().json ? JSON.stringify(restoreJson(image, flags.out, report)) : summary(image, flags.out, report)
      )
      noteUnsigned(ctx, report.credentials)
    })
  })
}
