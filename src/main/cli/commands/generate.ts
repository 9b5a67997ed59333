import type { Command } from 'commander'
import { resolve } from 'node:path'
import { APP_VERSION } from '../../../shared/version'
import { HeirloomError } from '../../core/errors'
import { savePhoto } from '../../core/image/write'
import {
  DEFAULT_TRUNCATION,
  generateFace,
  openGenerateModels,
  type GenerateChoice
} from '../../core/stages/age/generate'
import type { ModelSlot } from '../../core/stages/age/models'
import type { CliContext } from '../context'
import { parseNumber } from './detect'

interface GenerateFlags {
  seed: string
  out: string
  truncation?: string
  mapping?: string
  mappingFile?: string
  generator?: string
  generatorFile?: string
  averageLatentFile?: string
  overwrite?: boolean
}

function slot(id: string | undefined, file: string | undefined, what: string): ModelSlot | undefined {
  if (id && file)
    throw new HeirloomError('INVALID_REQUEST', `Give either --${what} <id> or --${what}-file <file>, not both.`)
  if (file) return { file: resolve(file) }
  return id ? { id } : undefined
}

function parseSeed(text: string): number {
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    throw new HeirloomError('INVALID_REQUEST', `--seed must be an integer (got "${text}").`)
  }
  return Number(text)
}

export function registerGenerateCommand(program: Command, ctx: CliContext): void {
  program
    .command('generate')
    .description(
      'sample a face that does not exist from a StyleGAN2 mapping network + generator (needs a mapping model)'
    )
    .requiredOption('--seed <n>', 'random seed: the same seed gives the same face')
    .requiredOption('--out <file>', 'output file (.png, .jpg, .tif, .webp)')
    .option('--truncation <psi>', 'truncation toward the average face, 0..1', String(DEFAULT_TRUNCATION))
    .option('--mapping <id>', 'mapping network model id (kind "mapping")')
    .option('--mapping-file <file>', 'a mapping network ONNX (z [1,512] -> w [1,512])')
    .option('--generator <id>', 'StyleGAN2 generator model id')
    .option('--generator-file <file>', 'a StyleGAN2 generator ONNX ([1,18,512] -> [1,3,1024,1024])')
    .option('--average-latent-file <file>', 'w_avg .npy for truncation (default: from the manifest, else estimated)')
    .option('--overwrite', 'replace an existing output file')
    .action(async (flags: GenerateFlags) => {
      const seed = parseSeed(flags.seed)
      const truncation = parseNumber(flags.truncation, '--truncation', 0, 1) ?? DEFAULT_TRUNCATION
      const choice: GenerateChoice = {}
      const mapping = slot(flags.mapping, flags.mappingFile, 'mapping')
      if (mapping) choice.mapping = mapping
      const generator = slot(flags.generator, flags.generatorFile, 'generator')
      if (generator) choice.generator = generator
      if (flags.averageLatentFile) choice.averageLatent = { file: resolve(flags.averageLatentFile) }
      const t0 = performance.now()
      const models = await openGenerateModels(ctx.engine(), choice)
      const face = await generateFace(models, { seed, truncation })
      const model = `${models.mapping.label} + ${models.generator.label}`
      await savePhoto(resolve(flags.out), face, {
        overwrite: flags.overwrite === true,
        provenance: {
          software: `Heirloom ${APP_VERSION}`,
          operations: [{ op: 'generate', model, params: { seed, truncation, averageLatent: models.averageSource } }]
        }
      })
      const seconds = (performance.now() - t0) / 1000
      ctx.out(
        ctx.globals().json
          ? JSON.stringify({
              output: flags.out,
              seed,
              truncation,
              model,
              averageLatent: models.averageSource,
              width: face.width,
              height: face.height
            })
          : `generated a ${face.width}x${face.height} face (seed ${seed}, truncation ${truncation}) with ${model} -> ${flags.out} in ${seconds.toFixed(2)} s` +
              (models.averageSource === 'estimated' ? ' (w_avg estimated from seeded samples)' : '')
      )
    })
}
