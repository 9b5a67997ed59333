import { Option, type Command } from 'commander'
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { HeirloomError } from '../../core/errors'
import { parseFaceChoice, type FaceChoice } from '../../core/pipeline/face-selection'
import type { PipelineProgress } from '../../core/pipeline/progress'
import type { AgeReport } from '../../core/stages/age/age-photo'
import type { AgeAmount } from '../../core/stages/age/calibration'
import { parseLayerRange } from '../../core/stages/age/layer-range'
import type { AgeModelChoice, ModelSlot } from '../../core/stages/age/models'
import type { AgeJobSpec } from '../../worker/age-job'
import { REPORT_NAME } from '../../core/pipeline/batch'
import type { CliContext, ProgressReporter } from '../context'
import { runFolderJob, type FolderFlags } from '../folder-job'
import { faceRowHead, roundedTimings } from '../report-json'
import { downloadBar, withWorker } from '../worker-job'
import { addDetectOptions, detectOptionsFromFlags, parseNumber, type DetectFlags } from './detect'

export interface AgeFlags extends DetectFlags, FolderFlags {
  out: string
  face?: string
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
  restoreStrength?: string
  overwrite?: boolean
}

/** Exactly one of --delta / --target-age / --edit-factor. */
export function amountFromFlags(f: AgeFlags): AgeAmount {
  const given = [f.delta, f.targetAge, f.editFactor].filter((v) => v !== undefined).length
  if (given !== 1) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      'Say how to age the face with exactly one of --delta <years>, --target-age <years> or --edit-factor <k>.'
    )
  }
  const currentAge = parseNumber(f.currentAge, '--current-age', 0, 100)
  const withCurrent = currentAge === undefined ? {} : { currentAge }
  if (f.delta !== undefined)
    return { kind: 'delta', years: parseNumber(f.delta, '--delta', -100, 100)!, ...withCurrent }
  if (f.targetAge !== undefined)
    return { kind: 'target', age: parseNumber(f.targetAge, '--target-age', 0, 100)!, ...withCurrent }
  return { kind: 'factor', k: parseNumber(f.editFactor, '--edit-factor', -20, 20)! }
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
  if (f.face !== undefined && f.faces !== undefined)
    throw new HeirloomError('INVALID_REQUEST', 'Give either --face or --faces, not both.')
  return parseFaceChoice(f.face ?? f.faces ?? 'all')
}

/** The models the command uses, as data for the pipeline worker. */
export function ageJobSpecFromFlags(f: AgeFlags): AgeJobSpec {
  const restoreAfter =
    f.restoreAfter !== undefined && f.restoreAfter !== false
      ? { model: typeof f.restoreAfter === 'string' ? f.restoreAfter : undefined }
      : undefined
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
    faces: r.faces.map((f) => ({
      ...faceRowHead(f),
      aged: f.aged,
      restored: f.restored,
      applied: f.applied ?? null,
      timings: f.timings ? roundedTimings(f.timings) : null
    })),
    timings: roundedTimings(r.timings)
  }
}

function describeApplied(a: Record<string, unknown> | undefined): string {
  if (!a) return ''
  if (typeof a.targetAge === 'number') return `target age ${a.targetAge}`
  if (typeof a.editFactor === 'number')
    return `${a.route === 'styleganex' ? 'direction' : 'k'} ${a.editFactor.toFixed(2)}`
  return ''
}

function summary(input: string, output: string, r: AgeReport): string {
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
        (f.aged ? `, ${describeApplied(f.applied)}, model ${Math.round(f.timings?.model ?? 0)} ms` : ' (not chosen)')
    )
  }
  return lines.join('\n')
}

function faceProgress(ctx: CliContext): (e: PipelineProgress) => void {
  let bar: ProgressReporter | undefined
  return (e) => {
    if (e.stage !== 'face' || ctx.globals().json) return
    if (!bar) {
      bar = ctx.progress()
      bar.start(e.total, e.op)
    }
    bar.update(e.index, `${e.op} face ${e.faceIndex}`)
    if (e.index + 1 >= e.total) {
      bar.update(e.total)
      bar.stop()
      bar = undefined
    }
  }
}

export function registerAgeCommand(program: Command, ctx: CliContext): void {
  addDetectOptions(
    program
      .command('age')
      .description('make faces older or younger (StyleGAN latent edit, SAM, or StyleGANEX) and write a new file')
      .argument('<image>', 'photo file, or a folder of photos (never modified)')
      .requiredOption('--out <file>', 'output file (.jpg, .png, .tif, .webp), or output folder for a folder')
      .option('--recursive', 'folder: include sub-folders')
      .option('--resume', 'folder: skip photos finished by an earlier, interrupted run')
      .option('--report <file>', `folder: JSON report (default <out>/${REPORT_NAME})`)
      .option('--face <n>', 'the face to age (index, left to right); default all')
      .option('--faces <list>', 'faces to age: all, or indices like 0,2')
      .option('--delta <years>', 'change in age in years (older positive)')
      .option('--target-age <years>', 'age to reach (SAM takes it directly; other models need --current-age)')
      .option('--current-age <years>', 'the age of the face now (for --target-age on delta models, or --delta on SAM)')
      .option('--edit-factor <k>', 'raw latent step k (latent route) or StyleGANEX direction; no calibration')
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
      .option('--latent-per-year <x>', 'calibration: latent step per year of --delta')
      .option('--layers <range>', 'w+ layers the direction applies to, e.g. 0-7 (default: all 18)')
      .option('--strength <s>', 'blend of the aged face over the original, 0..1', '1')
      .option('--restore-after [model]', 'restore the aged faces afterwards (default restorer, or a restorer id)')
      .option('--restore-strength <s>', 'blend of the restoration after aging, 0..1', '0.8')
      .option('--overwrite', 'replace an existing output file')
  ).action(async (image: string, flags: AgeFlags) => {
    const amount = amountFromFlags(flags)
    const faces = faceChoiceFromFlags(flags)
    const strength = parseNumber(flags.strength, '--strength', 0, 1)
    const restoreStrength = parseNumber(flags.restoreStrength, '--restore-strength', 0, 1)
    const spec = ageJobSpecFromFlags(flags)
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
        (client) => async (input, output, o) => {
          const r = await client.call(
            'ageFile',
            { input, output, spec, options: { ...options, overwrite: o.overwrite, inputRoots: [o.inputDir] } },
            { signal: o.signal, onProgress: downloads }
          )
          return { faces: r.faces.filter((f) => f.aged).length }
        }
      )
      return
    }
    // Models and pixels run in the pipeline worker, the same one the desktop app and `restore` use.
    const faceBar = faceProgress(ctx)
    await withWorker(ctx, async (client, signal) => {
      const report = await client.call(
        'ageFile',
        {
          input: resolve(image),
          output: resolve(flags.out),
          spec,
          options: { ...options, overwrite: flags.overwrite === true }
        },
        {
          signal,
          onProgress: (e) => {
            faceBar(e)
            downloads(e)
          }
        }
      )
      ctx.out(
        ctx.globals().json ? JSON.stringify(ageJson(image, flags.out, report)) : summary(image, flags.out, report)
      )
    })
  })
}
