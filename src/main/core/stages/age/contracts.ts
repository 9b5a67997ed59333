import { HeirloomError } from '../../errors'
import type { ModelContract } from '../../../../shared/model-manifest'
import type { IoInfo, ModelSession } from '../../runtime/types'

/**
 * Shape checks for the aging graphs, by position rather than by name: users mix encoders, generators and
 * single-graph models from different exports whose tensor names differ (`x`/`input`, `latent`/`styles`).
 */
export interface GraphShape {
  inputs: { role: string; dims: readonly (number | 'any')[] | 'scalar' }[]
  /** 'any' = whatever the export gives; `square` = the last two dims must be equal. */
  output: { role: string; dims: readonly (number | 'any')[]; square?: boolean }
}

export const ENCODER_SHAPE: GraphShape = {
  inputs: [{ role: 'aligned face', dims: [1, 3, 256, 256] }],
  output: { role: 'w+ latent', dims: [1, 18, 512] }
}
export const SAM_ENCODER_SHAPE: GraphShape = {
  inputs: [{ role: 'aligned face + age channel', dims: [1, 4, 256, 256] }],
  output: { role: 'w+ latent', dims: [1, 18, 512] }
}
export const GENERATOR_SHAPE: GraphShape = {
  inputs: [{ role: 'w+ latent', dims: [1, 18, 512] }],
  output: { role: 'image', dims: [1, 3, 1024, 1024] }
}
export const STYLEGANEX_SHAPE: GraphShape = {
  inputs: [
    { role: 'target (ffhq crop 256)', dims: [1, 3, 256, 256] },
    { role: 'target_with_background (styleganex crop 384)', dims: [1, 3, 384, 384] },
    { role: 'direction (scalar)', dims: 'scalar' }
  ],
  // StyleGANEX psp.forward (williamyang1991/StyleGANEX models/psp.py, resize=False) returns 4x the size of
  // `target_with_background`: 384 -> 1536 for FaceFusion's export; FaceFusion then shrinks it to 1024 with
  // cv2.INTER_AREA (facefusion processors/modules/age_modifier, normalize_extend_frame). Any square size is taken.
  output: { role: 'image', dims: [1, 3, 'any', 'any'], square: true }
}
/** Mapping: z [1,512] -> w [1,512] (or already broadcast [1,18,512]; both accepted in `mappingOutputLayers`). */
export const MAPPING_INPUT_DIMS = [1, 512] as const

const FLOAT_TYPES = ['float32', 'float16', 'unknown']

const fmt = (dims: readonly (number | string)[]): string => `[${dims.join(',')}]`

function dimsFit(want: readonly (number | 'any')[], got: readonly (number | string)[]): boolean {
  if (got.length === 0) return true // undeclared shape: checked at run time
  if (want.length !== got.length) return false
  return want.every((w, i) => w === 'any' || typeof got[i] !== 'number' || got[i] < 0 || got[i] === w)
}

function describe(info: IoInfo): string {
  return `${info.name} ${info.type} ${fmt(info.dims)}`
}

/** MODEL_CONTRACT naming what was expected and what the file has. */
export function checkGraphShape(session: ModelSession, shape: GraphShape, label: string): void {
  const found = `found inputs ${session.inputs.map(describe).join(', ') || 'none'}; outputs ${
    session.outputs.map(describe).join(', ') || 'none'
  }`
  const expected = `expected inputs ${shape.inputs
    .map((i) => `${i.role} ${i.dims === 'scalar' ? '[] or [1]' : fmt(i.dims)}`)
    .join(', ')}; output ${shape.output.role} ${fmt(shape.output.dims)}`
  const fail = (why: string): never => {
    throw new HeirloomError('MODEL_CONTRACT', `${label}: ${why}. ${expected}; ${found}. Is this the right file?`)
  }
  if (session.inputs.length !== shape.inputs.length)
    fail(`the graph has ${session.inputs.length} inputs, not ${shape.inputs.length}`)
  shape.inputs.forEach((spec, k) => {
    const info = session.inputs[k]
    if (!FLOAT_TYPES.includes(info.type)) fail(`input "${info.name}" is ${info.type}, not a float tensor`)
    const ok =
      spec.dims === 'scalar'
        ? info.dims.length === 0 || (info.dims.length === 1 && (info.dims[0] === 1 || typeof info.dims[0] !== 'number'))
        : dimsFit(spec.dims, info.dims)
    if (!ok) fail(`input "${info.name}" (${spec.role}) has shape ${fmt(info.dims)}`)
  })
  const out = session.outputs[0]
  if (!out) return fail('the graph has no output')
  if (!dimsFit(shape.output.dims, out.dims))
    fail(`output "${out.name}" (${shape.output.role}) has shape ${fmt(out.dims)}`)
  const [h, w] = out.dims.slice(-2)
  if (shape.output.square && typeof h === 'number' && typeof w === 'number' && h >= 0 && w >= 0 && h !== w)
    fail(`output "${out.name}" (${shape.output.role}) is not square: ${fmt(out.dims)}`)
}

/** Run-time check of an output's actual dims (graphs with dynamic dims pass the load-time check). */
export function checkOutputDims(dims: readonly number[], want: readonly number[], label: string, role: string): void {
  if (dims.length !== want.length || dims.some((d, i) => d !== want[i])) {
    throw new HeirloomError('MODEL_CONTRACT', `${label}: the ${role} came out as ${fmt(dims)}, expected ${fmt(want)}.`)
  }
}

/**
 * The engine-side contract for a user's file of this shape (the manifest's contracts name the tensors of one
 * export; users' files name them differently, and the runtime binds by position when names differ).
 * A scalar input is declared [1]: the runtime treats a graph's undeclared/0-d shape as matching it.
 */
export function contractOf(shape: GraphShape): ModelContract {
  return {
    inputs: shape.inputs.map((i, k) => ({
      name: `input_${k}`,
      dims: i.dims === 'scalar' ? [1] : i.dims.map((d, j) => (d === 'any' ? `in${k}_${j}` : d)),
      dtype: 'float32' as const
    })),
    // A repeated symbol makes the runtime check the output is square (the same symbol takes one value).
    outputs: [
      {
        name: 'output',
        dims: shape.output.dims.map((d, j) => (d !== 'any' ? d : shape.output.square ? 'S' : `out_${j}`)),
        dtype: 'float32' as const
      }
    ],
    layout: 'NCHW',
    channels: 'RGB',
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5]
  }
}
