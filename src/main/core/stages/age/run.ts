import { HeirloomError, throwIfAborted } from '../../errors'
import { checkOutputDims } from './contracts'
import { addLatents } from './latent'
import { ENCODER_SIZE, GENERATOR_SIZE, rgbPlanes } from './preprocess'
import { floatFeed, runFirstOutput } from './tensor-io'
import type { NamedSession } from './types'

const LATENT_DIMS = [1, 18, 512]
const IMAGE_DIMS = [1, 3, GENERATOR_SIZE, GENERATOR_SIZE]

/** Encoder: [1,C,256,256] -> w+ [18*512]. */
export async function encode(
  enc: NamedSession,
  input: Float32Array,
  channels: number,
  signal?: AbortSignal
): Promise<Float32Array> {
  throwIfAborted(signal)
  const info = enc.session.inputs[0]
  const out = await runFirstOutput(
    enc.session,
    { [info.name]: floatFeed(info, input, [1, channels, ENCODER_SIZE, ENCODER_SIZE]) },
    enc.label,
    signal
  )
  checkOutputDims(out.dims, LATENT_DIMS, enc.label, 'latent')
  return out.data
}

/** e4e/pSp: encoder codes, plus the average latent when the encoder emits offsets. */
export async function encodeLatent(
  enc: NamedSession,
  input: Float32Array,
  averageLatent: Float32Array | undefined,
  signal?: AbortSignal
): Promise<Float32Array> {
  const codes = await encode(enc, input, 3, signal)
  return averageLatent ? addLatents(codes, averageLatent) : codes
}

/** SAM: sam(x4) + pSp(x3) + latent_avg, the composition of SAM's own forward pass (ailia sam.py). */
export async function encodeSam(
  enc: NamedSession,
  pretrained: NamedSession,
  averageLatent: Float32Array,
  input: Float32Array,
  signal?: AbortSignal
): Promise<Float32Array> {
  let codes = await encode(enc, input, 4, signal)
  codes = addLatents(codes, await encode(pretrained, rgbPlanes(input), 3, signal))
  return addLatents(codes, averageLatent)
}

/** Generator: w+ -> [3,1024,1024] in [-1,1]. */
export async function synthesize(gen: NamedSession, wplus: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
  throwIfAborted(signal)
  const info = gen.session.inputs[0]
  const out = await runFirstOutput(gen.session, { [info.name]: floatFeed(info, wplus, LATENT_DIMS) }, gen.label, signal)
  checkOutputDims(out.dims, IMAGE_DIMS, gen.label, 'image')
  return out.data
}

/**
 * StyleGANEX-age: (target 256, target_with_background 384, direction) -> a square [1,3,S,S] image in [-1,1].
 * FaceFusion's export gives S = 1536 (4x the 384 crop, StyleGANEX psp.forward); other exports may differ.
 */
export async function runStyleganex(
  model: NamedSession,
  target: Float32Array,
  background: Float32Array,
  direction: number,
  signal?: AbortSignal
): Promise<{ data: Float32Array; size: number }> {
  throwIfAborted(signal)
  const [t, b, d] = model.session.inputs
  if (!t || !b || !d) throw new HeirloomError('MODEL_CONTRACT', `${model.label}: expected three inputs.`)
  // FaceFusion feeds a 0-d array; graphs that declare [1] get a 1-element tensor.
  const dirDims = d.dims.length === 0 ? [] : [1]
  const out = await runFirstOutput(
    model.session,
    {
      [t.name]: floatFeed(t, target, [1, 3, 256, 256]),
      [b.name]: floatFeed(b, background, [1, 3, 384, 384]),
      [d.name]: floatFeed(d, Float32Array.of(direction), dirDims)
    },
    model.label,
    signal
  )
  const size = out.dims[2] ?? 0
  if (out.dims.length !== 4 || out.dims[0] !== 1 || out.dims[1] !== 3 || out.dims[3] !== size || size < 64) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `${model.label}: the image came out as [${out.dims.join(',')}], expected a square [1,3,S,S] (S >= 64).`
    )
  }
  return { data: out.data, size }
}
