import { HeirloomError } from '../../errors'
import { assertFinite } from '../../runtime/finite'
import type { ModelSession } from '../../runtime/types'

export interface TileRunResult {
  data: Float32Array
  width: number
  height: number
}

/** Runs one tile; checks the output is [1,3,h*s,w*s] for the expected scale. */
export async function runUpscaleTile(
  session: ModelSession,
  names: { input: string; output: string },
  tensor: { data: Float32Array; width: number; height: number },
  scale: number,
  signal?: AbortSignal
): Promise<TileRunResult> {
  const out = await session.run(
    { [names.input]: { type: 'float32', data: tensor.data, dims: [1, 3, tensor.height, tensor.width] } },
    { signal, outputs: [names.output] }
  )
  const t = out[names.output]
  if (!t || !(t.data instanceof Float32Array) || t.dims.length !== 4 || t.dims[1] !== 3) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `The upscaler returned no float32 [1,3,H,W] output named "${names.output}".`
    )
  }
  const height = t.dims[2]
  const width = t.dims[3]
  if (width !== tensor.width * scale || height !== tensor.height * scale) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `The upscaler turned a ${tensor.width}x${tensor.height} tile into ${width}x${height}; expected x${scale}.`
    )
  }
  assertFinite(t.data, 'The background upscaler')
  return { data: t.data, width, height }
}

/**
 * Whether a failed run looks like the device ran out of memory, so a smaller tile may succeed. ONNX Runtime reports
 * allocation failures only as text, hence the pattern.
 */
export function isOutOfMemory(err: unknown): boolean {
  const cause: unknown = err instanceof Error ? err.cause : undefined
  const causeText = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : ''
  const text = err instanceof Error ? `${err.message} ${causeText}` : String(err)
  return /out of memory|\boom\b|bad_alloc|failed to allocate|allocat(e|ion) (failed|error)|insufficient memory/i.test(
    text
  )
}
