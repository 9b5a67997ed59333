import { ageLabel } from '../../core/stages/age-estimate/fairface'
import { Option, type Command } from 'commander'
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { HeirloomError } from '../../core/errors'
import { parseFaceChoice, type FaceChoice } from '../../core/pipeline/face-selection'
import type { AgeReport } from '../../core/stages/age/age-photo'
import { assertYearsCalibrated, type AgeAmount } from '../../core/stages/age/calibration'
import { parseLayerRange } from '../../core/stages/age/layer-range'
import { plannedCalibration, type AgeModelChoice, type ModelSlot } from '../../core/stages/age/models'
import type { AgeJobSpec } from '../../core/operations/age/age-job'
import { REPORT_NAME } from '../../core/pipeline/batch'
import { RESTORER_KINDS, type RestoreModelChoice, type RestorerKind } from '../../core/pipeline/restore-deps'
import type { CliContext } from '../context'
import { runFolderJob, type FolderFlags } from '../folder-job'
import { faceRowHead, roundedTimings } from '../report-json'
import { downloadBar, singlePhotoProgress } from '../stage-line'
import { withWorker } from '../worker-job'
import { noteUnsigned } from './credentials'
import { addDetectOptions, detectOptionsFromFlags, parseNumber, type DetectFlags } from './detect'
import { DEFAULT_RESTORE_STRENGTH } from '../../../shared/defaults'

export interface AgeFlags extends DetectFlags, FolderFlags {
  out: string
  faces?: string
  delta?: string
  targetAge?: string
  currentAge?: string
  editFactor?: string
  model?: string
  encoder?: string
  encoderFile?: string
  generator?: string
  generatorFile?: string
  direction?: string
  directionFile?: string
  encoderOutputs?: 'offsets' | 'absolute'
  averageLatentFile?: string
  pretrainedEncoderFile?: string
  ageModelFile?: string
  ageModelKind?: 'styleganex' | 'sam'
  directionSign?: '1' | '-1'
  latentPerYear?: string
  layers?: string
  strength?: string
  restoreAfter?: string | boolean
  restoreKind?: RestorerKind
  restoreStrength?: string
  overwrite?: boolean
}

/**
 * Exactly one of --delta / --target-age / --edit-factor. Years are accepted only where they are real (SAM, or a
 * per-year step the user measured): `calibratedOnly` makes the factor routes refuse them instead of guessing.
 */
export function amountFromFlags(f: AgeFlags): AgeAmount {
  const given = [f.delta, f.targetAge, f.editFactor].filter((v) => v !== undefined).length
  if (given !== 1) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      'Say how to age the face with exactly one of --edit-factor <k> (older or younger by a factor), ' +
        '--target-age <years> (SAM) or --delta <years> (SAM with --current-age, or a calibrated route).'
    )
  }
  const currentAge = parseNumber(f.currentAge, '--current-age', 0, 100)
  const withCurrent = currentAge === undefined ? {} : { currentAge }
  if (f.delta !== undefined)
    return { kind: 'delta', years: parseNumber(f.delta, '--delta', -100, 100)!, ...withCurrent, calibratedOnly: true }
  if (f.targetAge !== undefined) {
    const age = parseNumber(f.targetAge, '--target-age', 0, 100)!
    return { kind: 'target', age, ...withCurrent, calibratedOnly: true }
  }
  return { kind: 'factor', k: parseNumber(f.editFactor, '--edit-factor', -20, 20)!, olderPositive: true }
}

function slot(id: string | undefined, file: string | undefined, what: string): ModelSlot | undefined {
  if (id && file)
    throw new HeirloomError('INVALID_REQUEST', `Give either --${what} <id> or --${what}-file <file>, not both.`)
  if (file) return { file: resolve(file) }
  return id ? { id } : undefined
}

export function modelChoiceFromFlags(f: AgeFlags): AgeModelChoice {
  const encoder = slot(f.encoder, f.encoderFile, 'encoder')
  if (f.ageModelFile && !f.ageModelKind)
    throw new HeirloomError('INVALID_REQUEST', '--age-model-file needs --age-model-kind styleganex|sam.')
  if (f.ageModelKind && !f.ageModelFile)
    throw new HeirloomError('INVALID_REQUEST', '--age-model-kind only applies with --age-model-file.')
  const singles = [f.model, encoder, f.ageModelFile].filter((v) => v !== undefined).length
  if (singles > 1)
    throw new HeirloomError('INVALID_REQUEST', 'Choose the model once: --model, --encoder(-file) or --age-model-file.')
  const choice: AgeModelChoice = {}
  if (f.model) choice.model = f.model
  if (encoder) choice.encoder = encoder
  const generator = slot(f.generator, f.generatorFile, 'generator')
  if (generator) choice.generator = generator
  const direction = slot(f.direction, f.directionFile, 'direction')
  if (direction) choice.direction = direction
  if (f.averageLatentFile) choice.averageLatent = { file: resolve(f.averageLatentFile) }
  if (f.pretrainedEncoderFile) choice.pretrainedEncoder = { file: resolve(f.pretrainedEncoderFile) }
  if (f.encoderOutputs) choice.encoderOutputs = f.encoderOutputs
  if (f.ageModelFile) choice.ageModelFile = resolve(f.ageModelFile)
  if (f.ageModelKind) choice.ageModelKind = f.ageModelKind
  if (f.directionSign) choice.directionSign = f.directionSign === '-1' ? -1 : 1
  const perYear = parseNumber(f.latentPerYear, '--latent-per-year', 1e-6, 10)
  if (perYear !== undefined) choice.latentPerYear = perYear
  if (f.layers !== undefined) choice.layers = parseLayerRange(f.layers)
  return choice
}

function faceChoiceFromFlags(f: AgeFlags): FaceChoice {
  return parseFaceChoice(f.faces ?? 'all')
}

/** A model file rather than an id: a path, an .onnx name, or something that exists on disk. */
function looksLikeFile(v: string): boolean {
  return /[\\/]/.test(v) || /\.onnx$/i.test(v) || statSync(v, { throwIfNoEntry: false })?.isFile() === true
}

/** --restore-after alone (default restorer), with a restorer id, or with a restorer file (+ --restore-kind). */
export function restoreAfterFromFlags(f: AgeFlags): RestoreModelChoice | undefined {
  if (f.restoreAfter === undefined || f.restoreAfter === false) {
    if (f.restoreKind)
      throw new HeirloomError('INVALID_REQUEST', '--restore-kind only applies with --restore-after <file>.')
    return undefined
  }
  const v = typeof f.restoreAfter === 'string' ? f.restoreAfter : undefined
  if (v !== undefined && looksLikeFile(v)) {
    if (!f.restoreKind) {
      throw new HeirloomError(
        'INVALID_REQUEST',
        `--restore-after ${v} is a file: say what it is with --restore-kind ${RESTORER_KINDS.join('|')}.`
      )
    }
    return { modelFile: resolve(v), modelKind: f.restoreKind }
  }
  if (f.restoreKind)
    throw new HeirloomError('INVALID_REQUEST', '--restore-kind only applies with --restore-after <file>.')
  return { model: v }
}

/** The models the command uses, as data for the pipeline worker. */
export function ageJobSpecFromFlags(f: AgeFlags): AgeJobSpec {
  const restoreAfter = restoreAfterFromFlags(f)
  return {
    choice: modelChoiceFromFlags(f),
    ...(restoreAfter ? { restoreAfter } : {}),
    detect: detectOptionsFromFlags(f)
  }
}

export function ageJson(input: string, output: string, r: AgeReport): Record<string, unknown> {
  return {
    input,
    output,
    image: { width: r.width, height: r.height },
    route: r.route,
    model: r.model,
    provider: r.provider,
    restoredWith: r.restoredWith ?? null,
    detector: r.detector ?? null,
    calibration: r.calibration ?? null,
    faces: r.faces.map((f) => ({
      ...faceRowHead(f),
      aged: f.aged,
      restored: f.restored,
      identity: f.identity ?? null,
      age: f.age ? { bucket: f.age.bucket, label: ageLabel(f.age) } : null,
      applied: f.applied ?? null,
      timings: f.timings ? roundedTimings(f.timings) : null
    })),
    timings: roundedTimings(r.timings)
  }
}

/**
 * What one face got, in the words the route supports: SAM a target age; a factor route "older" or "younger" by its
 * factor, with years only when its calibration is real (and then the years the user asked for).
 */
export function describeApplied(
  a: Record<string, unknown> | undefined,
  calibration: AgeReport['calibration'],
  amount?: AgeAmount
): string {
  if (!a) return ''
  if (typeof a.targetAge === 'number') return `target age ${a.targetAge}`
  if (typeof a.editFactor !== 'number') return ''
  // What the model got is signed its own way; the user's factor is older when positive on every route.
  const k = a.editFactor * (calibration?.directionSign ?? 1)
  const factor = `factor ${k > 0 ? '+' : ''}${k.toFixed(2)}`
  if (k === 0) return `no change (${factor})`
  const way = k > 0 ? 'older' : 'younger'
  if (!calibration?.calibrated) return `${way} (${factor}, uncalibrated: not a number of years)`
  if (amount?.kind === 'delta') return `${Math.abs(amount.years)} years ${way} (${factor}, calibrated)`
  if (amount?.kind === 'target') return `target age ${amount.age} (${factor}, calibrated)`
  return `${way} (${factor})`
}

function summary(input: string, output: string, r: AgeReport, amount: AgeAmount): string {
  const done = r.faces.filter((f) => f.aged).length
  const lines = [
    `${input}: aged ${done} of ${r.faces.length} face(s) with ${r.model} (${r.route}) on ${r.provider}` +
      (r.restoredWith ? `, then restored with ${r.restoredWith}` : '') +
      ` -> ${output} in ${(r.timings.total / 1000).toFixed(2)} s`
  ]
  for (const f of r.faces) {
    const [x, y, w, h] = f.box.map((v) => Math.round(v))
    lines.push(
      `  face ${f.index}: box ${x},${y} ${w}x${h}` +
        (f.aged
          ? `, ${describeApplied(f.applied, r.calibration, amount)}, model ${Math.round(f.timings?.model ?? 0)} ms`
          : ' (not chosen)')
    )
  }
  return lines.join('\n')
}

export function registerAgeCommand(program: Command, ctx: CliContext): void {
  addDetectOptions(
    program
      .command('age')
      .description(
        'make faces older or younger (StyleGAN latent edit, SAM, or StyleGANEX) and write a new file. Only SAM ' +
          'takes a real age; the latent and StyleGANEX routes take an uncalibrated factor (--edit-factor), because ' +
          'nobody has measured how many years their steps add'
      )
      .argument('<image|folder>', 'photo file, or a folder of photos (never modified)')
      .requiredOption('--out <file>', 'output file (.jpg, .png, .tif, .webp), or output folder for a folder')
      .option('--recursive', 'folder: include sub-folders')
      .option('--resume', 'folder: skip photos finished by an earlier, interrupted run')
      .option('--report <file>', `folder: JSON report (default <out>/${REPORT_NAME})`)
      .option('--faces <list>', 'faces to age: all, or indices like 0,2 (left to right)', 'all')
      .option(
        '--edit-factor <k>',
        "younger (negative) ... older (positive), in the route's own step, which has no calibration to years " +
          '(a strong edit: about 3 for e4e, at most 2.5 for StyleGANEX)'
      )
      .option('--target-age <years>', 'age to reach: SAM (a real age); other routes only with --latent-per-year')
      .option(
        '--current-age <years>',
        'the age of the face now (SAM with --delta; calibrated routes with --target-age)'
      )
      .option(
        '--delta <years>',
        'change in years, older positive: SAM with --current-age, or a route calibrated with --latent-per-year'
      )
      .option('--model <id>', 'an age model or age encoder id (styleganex-age, e4e-ffhq-encoder, sam-encoder)')
      .option('--encoder <id>', 'encoder model id for the latent route')
      .option('--encoder-file <file>', 'a custom e4e/pSp encoder ONNX ([1,3,256,256] -> [1,18,512])')
      .option('--generator <id>', 'StyleGAN2 generator model id')
      .option(
        '--generator-file <file>',
        'a custom StyleGAN2 generator ONNX ([1,18,512] -> [1,3,1024,1024]); external data beside it'
      )
      .option('--direction <id>', 'age direction model id')
      .option('--direction-file <file>', 'an age direction .npy ([1,512] or [18,512])')
      .addOption(
        new Option('--encoder-outputs <mode>', 'whether the encoder outputs offsets from the average latent').choices([
          'offsets',
          'absolute'
        ])
      )
      .option('--average-latent-file <file>', 'average latent .npy added to offset encoders (and SAM)')
      .option('--pretrained-encoder-file <file>', 'SAM: the pretrained pSp encoder whose codes SAM adds')
      .option('--age-model-file <file>', 'a single-graph age model ONNX (needs --age-model-kind)')
      .addOption(new Option('--age-model-kind <kind>', 'kind of --age-model-file').choices(['styleganex', 'sam']))
      .addOption(
        new Option('--direction-sign <s>', 'flip the direction if adding it makes faces younger').choices(['1', '-1'])
      )
      .option(
        '--latent-per-year <x>',
        'your measured calibration: factor step per year; enables --delta / --target-age on factor routes'
      )
      .option('--layers <range>', 'w+ layers the direction applies to, e.g. 0-7 (default: all 18)')
      .option('--strength <s>', 'blend of the aged face over the original, 0..1', '1')
      .option(
        '--restore-after [model]',
        'restore the aged faces afterwards: the default restorer, a restorer id, or a restorer .onnx file'
      )
      .addOption(new Option('--restore-kind <kind>', 'family of a --restore-after file').choices([...RESTORER_KINDS]))
      .option('--restore-strength <s>', 'blend of the restoration after aging, 0..1', String(DEFAULT_RESTORE_STRENGTH))
      .option('--overwrite', 'replace an existing output file')
  ).action(async (image: string, flags: AgeFlags) => {
    const amount = amountFromFlags(flags)
    const faces = faceChoiceFromFlags(flags)
    const strength = parseNumber(flags.strength, '--strength', 0, 1)
    const restoreStrength = parseNumber(flags.restoreStrength, '--restore-strength', 0, 1)
    const spec = ageJobSpecFromFlags(flags)
    // Years on a route without a calibration are refused now, before any model is downloaded or opened.
    const planned = amount.kind === 'factor' ? undefined : plannedCalibration(ctx.engine(), spec.choice)
    if (planned) assertYearsCalibrated(amount, planned)
    const options = {
      amount,
      faces,
      ...(strength === undefined ? {} : { strength }),
      ...(restoreStrength === undefined ? {} : { restoreStrength })
    }
    const downloads = downloadBar(ctx)
    if (statSync(image, { throwIfNoEntry: false })?.isDirectory()) {
      // A folder: the same job per photo into a mirrored, journaled, resumable output folder (as `batch` restores).
      const recipe = { op: 'age', spec, options }
      await runFolderJob(
        ctx,
        image,
        flags,
        { doing: 'aging', done: 'aged' },
        recipe,
        // The registry's age file job, by id (its params are checked in the worker with the job's schema).
        (client) => (input, output, o) =>
          client.call(
            'runFileJob',
            { op: 'age', input, output, overwrite: o.overwrite, inputRoots: [o.inputDir], params: { spec, options } },
            { signal: o.signal, onProgress: downloads }
          )
      )
      return
    }
    // Models and pixels run in the pipeline worker, the same one the desktop app and `restore` use.
    const progress = singlePhotoProgress('age', flags.out, downloads)
    await withWorker(ctx, async (client, signal) => {
      const report = await client
        .call(
          'ageFile',
          {
            input: resolve(image),
            output: resolve(flags.out),
            spec,
            options: { ...options, overwrite: flags.overwrite === true }
          },
          { signal, onProgress: progress.onProgress }
        )
        .finally(() => progress.done())
      ctx.out(
        ctx.globals().json
          ? JSON.stringify(ageJson(image, flags.out, report))
          : summary(image, flags.out, report, amount)
      )
      noteUnsigned(ctx, report.credentials)
    })
  })
}
