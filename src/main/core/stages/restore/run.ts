import { HeirloomError } from '../../errors'
import { assertFinite } from '../../runtime/finite'
import type { ModelSession, TensorData } from '../../runtime/types'
import type { RestorerSpec } from './contract'

export interface RestorerOutput {
  data: Float32Array
  width: number
  height: number
}

/** One restorer run. `fidelity` goes to the graph's fidelity input (float64 [1]) when it has one. */
export async function runRestorer(
  session: ModelSession,
  spec: RestorerSpec,
  tensor: Float32Array,
  opts: { fidelity: number; signal?: AbortSignal }
): Promise<RestorerOutput> {
  const s = spec.cropSize
  const feeds: Record<string, TensorData> = {
    [spec.inputName]: { type: 'float32', data: tensor, dims: spec.layout === 'NCHW' ? [1, 3, s, s] : [1, s, s, 3] }
  }
  if (spec.fidelityInput) {
    const declared = session.inputs.find((i) => i.name === spec.fidelityInput)?.type
    feeds[spec.fidelityInput] =
      declared === 'float32'
        ? { type: 'float32', data: Float32Array.of(opts.fidelity), dims: [1] }
        : { type: 'float64', data: Float64Array.of(opts.fidelity), dims: [1] }
  }
  const out = await session.run(feeds, { signal: opts.signal, outputs: [spec.outputName] })
  const t = out[spec.outputName]
  if (!t || !(t.data instanceof Float32Array) || t.dims.length !== 4) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `Restorer "${spec.id}" returned no float32 image named "${spec.outputName}".`
    )
  }
  const [h, w, c] = spec.layout === 'NCHW' ? [t.dims[2], t.dims[3], t.dims[1]] : [t.dims[1], t.dims[2], t.dims[3]]
  if (c !== 3 || h !== w || h <= 0) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `Restorer "${spec.id}" returned a [${t.dims.join(',')}] tensor; expected a square RGB image.`
    )
  }
  assertFinite(t.data, `Restorer "${spec.id}"`)
  return { data: t.data, width: w, height: h }
}
