import { HeirloomError } from '../../errors'

/** StyleGAN2 FFHQ 1024: 18 style layers of 512 values (w+). */
export const NUM_LAYERS = 18
export const LATENT_DIM = 512
export const WPLUS_SIZE = NUM_LAYERS * LATENT_DIM

/** Half-open range of w+ layers an edit applies to: [start, end). */
export type LayerRange = readonly [number, number]
export const ALL_LAYERS: LayerRange = [0, NUM_LAYERS]

/**
 * A [1,512] or [18,512] latent (direction, average latent) as a full [18,512] w+ block.
 * [1,512] is broadcast to every layer, as e4e's InterFaceGAN editing does.
 */
export function broadcastToLayers(data: Float32Array, shape: readonly number[], label: string): Float32Array {
  const rows = shapeRows(shape)
  if (rows === undefined || data.length !== rows * LATENT_DIM) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `${label}: expected shape [1,512], [512], [18,512] or [1,18,512], found [${shape.join(',')}].`
    )
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]))
      throw new HeirloomError('MODEL_INVALID', `${label}: contains NaN or infinite values.`)
  }
  if (rows === NUM_LAYERS) return Float32Array.from(data)
  const out = new Float32Array(WPLUS_SIZE)
  for (let l = 0; l < NUM_LAYERS; l++) out.set(data.subarray(0, LATENT_DIM), l * LATENT_DIM)
  return out
}

function shapeRows(shape: readonly number[]): number | undefined {
  const dims = shape.filter((d, i) => !(d === 1 && i < shape.length - 2))
  if (dims.length === 1 && dims[0] === LATENT_DIM) return 1
  if (dims.length === 2 && dims[1] === LATENT_DIM && (dims[0] === 1 || dims[0] === NUM_LAYERS)) return dims[0]
  return undefined
}

/** w+' = w+ + k * d on the layers in `layers` (others untouched). Returns a new array. */
export function editLatent(
  wplus: Float32Array,
  direction: Float32Array,
  k: number,
  layers: LayerRange = ALL_LAYERS
): Float32Array {
  assertWplus(wplus, 'latent')
  assertWplus(direction, 'direction')
  const out = Float32Array.from(wplus)
  if (k === 0) return out
  const from = layers[0] * LATENT_DIM
  const to = layers[1] * LATENT_DIM
  for (let i = from; i < to; i++) out[i] = out[i] + k * direction[i]
  return out
}

/** a + b element-wise over a w+ block (encoder offsets + average latent, SAM + pSp codes). */
export function addLatents(a: Float32Array, b: Float32Array): Float32Array {
  assertWplus(a, 'latent')
  assertWplus(b, 'latent')
  const out = new Float32Array(WPLUS_SIZE)
  for (let i = 0; i < WPLUS_SIZE; i++) out[i] = a[i] + b[i]
  return out
}

/** StyleGAN truncation trick: w_avg + psi * (w - w_avg), on one 512 vector. */
export function truncateLatent(w: Float32Array, wAvg: Float32Array, psi: number): Float32Array {
  if (w.length !== LATENT_DIM || wAvg.length !== LATENT_DIM) {
    throw new HeirloomError('INTERNAL', 'truncateLatent needs two 512-value vectors.')
  }
  const out = new Float32Array(LATENT_DIM)
  for (let i = 0; i < LATENT_DIM; i++) out[i] = wAvg[i] + psi * (w[i] - wAvg[i])
  return out
}

function assertWplus(v: Float32Array, label: string): void {
  if (v.length !== WPLUS_SIZE) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `The ${label} has ${v.length} values; a w+ latent has 18x512 = ${WPLUS_SIZE}.`
    )
  }
}
