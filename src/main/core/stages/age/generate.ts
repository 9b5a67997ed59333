import type { Engine } from '../../engine'
import { HeirloomError, throwIfAborted } from '../../errors'
import type { RgbImage } from '../../image/types'
import { ageOptionsOf } from './age-options'
import { GENERATOR_SHAPE, type GraphShape } from './contracts'
import { loadDirectionFile } from './direction'
import { LATENT_DIM, NUM_LAYERS, truncateLatent, WPLUS_SIZE } from './latent'
import { npyPath, openSlot, optionSlot, pickEntry, type ModelSlot } from './models'
import { generatorImage } from './postprocess'
import { seededNormals } from './prng'
import { synthesize } from './run'
import { floatFeed, runFirstOutput } from './tensor-io'
import type { NamedSession } from './types'

/** StyleGAN2's usual truncation for sampling: faces stay plausible, some variety is kept. */
export const DEFAULT_TRUNCATION = 0.7
/** Samples used to estimate w_avg when the mapping network comes without it. */
export const W_AVG_SAMPLES = 512
const W_AVG_SEED = 0x5eed

const MAPPING_SHAPE: GraphShape = {
  inputs: [{ role: 'z', dims: [1, 512] }],
  output: { role: 'w', dims: [1, 512] }
}
/** Mapping exports that already broadcast w to the 18 layers. */
const MAPPING_SHAPE_WPLUS: GraphShape = { ...MAPPING_SHAPE, output: { role: 'w', dims: [1, 18, 512] } }

export interface GenerateModels {
  mapping: NamedSession
  generator: NamedSession
  /** w_avg broadcast to [18,512]: from the manifest / file, or estimated from seeded samples. */
  averageW: Float32Array
  averageSource: 'file' | 'estimated'
}

export interface GenerateChoice {
  mapping?: ModelSlot
  generator?: ModelSlot
  averageLatent?: ModelSlot
  signal?: AbortSignal
}

/** The mapping output (w [1,512] or [1,18,512]) as a full [18,512] block. */
async function mapZ(mapping: NamedSession, z: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
  throwIfAborted(signal)
  const info = mapping.session.inputs[0]
  const out = await runFirstOutput(
    mapping.session,
    { [info.name]: floatFeed(info, z, [1, LATENT_DIM]) },
    mapping.label,
    signal
  )
  if (out.data.length === WPLUS_SIZE) return out.data
  if (out.data.length !== LATENT_DIM) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `${mapping.label}: w came out as [${out.dims.join(',')}], expected [1,512] or [1,18,512].`
    )
  }
  const full = new Float32Array(WPLUS_SIZE)
  for (let l = 0; l < NUM_LAYERS; l++) full.set(out.data, l * LATENT_DIM)
  return full
}

/** Opens the mapping network and generator; MODEL_MISSING, clearly, when no mapping network is installed. */
export async function openGenerateModels(engine: Engine, choice: GenerateChoice = {}): Promise<GenerateModels> {
  const mapSlot = choice.mapping ?? installedMapping(engine)
  if (!mapSlot) {
    throw new HeirloomError(
      'MODEL_MISSING',
      'No StyleGAN2 mapping network is installed, so no face can be sampled. It needs an ONNX export of the FFHQ ' +
        'mapping network (z [1,512] -> w [1,512]).',
      { reason: 'age-part-missing', fields: { part: 'mapping', what: 'StyleGAN2 mapping network' } }
    )
  }
  let mapping: Awaited<ReturnType<typeof openSlot>>
  try {
    mapping = await openSlot(engine, mapSlot, 'mapping', 'stylegan2', MAPPING_SHAPE)
  } catch (err) {
    // Some exports broadcast w to the 18 layers themselves.
    if (!(err instanceof HeirloomError) || err.code !== 'MODEL_CONTRACT') throw err
    mapping = await openSlot(engine, mapSlot, 'mapping', 'stylegan2', MAPPING_SHAPE_WPLUS)
  }
  const genSlot = choice.generator ?? idOf(pickEntry(engine, 'age-generator'))
  if (!genSlot)
    throw new HeirloomError('MODEL_MISSING', 'No StyleGAN2 generator is available.', {
      reason: 'age-part-missing',
      fields: { part: 'generator', what: 'StyleGAN2 generator', plain: 1 }
    })
  const generator = (await openSlot(engine, genSlot, 'age-generator', 'stylegan2', GENERATOR_SHAPE)).named

  const avgSlot = choice.averageLatent ?? optionSlot(engine, ageOptionsOf(mapping.entry).averageLatent)
  if (avgSlot) {
    const averageW = loadDirectionFile(await npyPath(engine, avgSlot, mapping.path))
    return { mapping: mapping.named, generator, averageW, averageSource: 'file' }
  }
  return {
    mapping: mapping.named,
    generator,
    averageW: await estimateAverageW(mapping.named, choice.signal),
    averageSource: 'estimated'
  }
}

function installedMapping(engine: Engine): ModelSlot | undefined {
  const e = pickEntry(engine, 'mapping')
  return e && engine.store.isInstalled(e.id) ? { id: e.id } : undefined
}

function idOf(e: { id: string } | undefined): ModelSlot | undefined {
  return e ? { id: e.id } : undefined
}

/** w_avg as StyleGAN computes it (mean of mapped z ~ N(0,1)), from a fixed seed so it is reproducible. */
export async function estimateAverageW(
  mapping: NamedSession,
  signal?: AbortSignal,
  samples = W_AVG_SAMPLES
): Promise<Float32Array> {
  const acc = new Float64Array(WPLUS_SIZE)
  const zs = seededNormals(W_AVG_SEED, samples * LATENT_DIM)
  for (let s = 0; s < samples; s++) {
    const w = await mapZ(mapping, zs.subarray(s * LATENT_DIM, (s + 1) * LATENT_DIM), signal)
    for (let i = 0; i < WPLUS_SIZE; i++) acc[i] += w[i]
  }
  return Float32Array.from(acc, (v) => v / samples)
}

export interface GenerateOptions {
  seed: number
  /** psi in 0..1: 0 gives the average face, 1 no truncation. Default 0.7. */
  truncation?: number
  signal?: AbortSignal
}

/** The w+ latent for a seed: z ~ N(0,1) (seeded) -> mapping -> truncation toward w_avg, per layer. */
export async function latentForSeed(models: GenerateModels, opts: GenerateOptions): Promise<Float32Array> {
  if (!Number.isSafeInteger(opts.seed))
    throw new HeirloomError('INVALID_REQUEST', `The seed must be an integer (got ${opts.seed}).`, {
      reason: 'option-invalid',
      fields: { option: 'seed', value: String(opts.seed) }
    })
  const psi = opts.truncation ?? DEFAULT_TRUNCATION
  if (!(psi >= 0 && psi <= 1))
    throw new HeirloomError('INVALID_REQUEST', `The truncation must be within 0..1 (got ${psi}).`, {
      reason: 'option-invalid',
      fields: { option: 'truncation', value: String(psi) }
    })
  const w = await mapZ(models.mapping, seededNormals(opts.seed, LATENT_DIM), opts.signal)
  const out = new Float32Array(WPLUS_SIZE)
  for (let l = 0; l < NUM_LAYERS; l++) {
    const row = (v: Float32Array): Float32Array => v.subarray(l * LATENT_DIM, (l + 1) * LATENT_DIM)
    out.set(truncateLatent(row(w), row(models.averageW), psi), l * LATENT_DIM)
  }
  return out
}

/** Samples a face that does not exist: 1024x1024 RGB. */
export async function generateFace(models: GenerateModels, opts: GenerateOptions): Promise<RgbImage> {
  const w = await latentForSeed(models, opts)
  return generatorImage(await synthesize(models.generator, w, opts.signal))
}
