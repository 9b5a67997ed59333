import { HeirloomError } from '../../errors'
import { assertFinite } from '../../runtime/finite'
import type { ModelSession } from '../../runtime/types'

export interface TileRunResult {
  data: Float32Array
  width: number
  height: number
}

/**
 * Side multiple the model needs: Real-ESRGAN x2 / x1 graphs begin with pixel_unshuffle (basicsr
 * archs/rrdbnet_arch.py), so xinntao/Real-ESRGAN realesrgan/utils.py `pre_process` pads to multiples of 2 (x2) or
 * 4 (x1) with reflection and crops the output afterwards; x4 takes any size.
 */
export function sizeMultiple(scale: number): number {
  return scale === 2 ? 2 : scale === 1 ? 4 : 1
}

/** Reflect-pads a planar [3,h,w] tensor right and bottom to (h2,w2), as torch `F.pad(..., 'reflect')` does. */
export function padPlanar(
  t: { data: Float32Array; width: number; height: number },
  width: number,
  height: number
): { data: Float32Array; width: number; height: number } {
  const reflect = (i: number, n: number): number => (n < 2 ? 0 : i < n ? i : Math.max(0, 2 * n - 2 - i))
  const data = new Float32Array(3 * width * height)
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      const sy = reflect(y, t.height)
      for (let x = 0; x < width; x++) {
        data[c * width * height + y * width + x] = t.data[c * t.width * t.height + sy * t.width + reflect(x, t.width)]
      }
    }
  }
  return { data, width, height }
}

/** Runs one tile (padded to the size multiple the model needs); checks the output is [1,3,h*s,w*s]. */
export async function runUpscaleTile(
  session: ModelSession,
  names: { input: string; output: string },
  tensor: { data: Float32Array; width: number; height: number },
  scale: number,
  signal?: AbortSignal
): Promise<TileRunResult> {
  const mod = sizeMultiple(scale)
  const pw = Math.ceil(tensor.width / mod) * mod
  const ph = Math.ceil(tensor.height / mod) * mod
  const fed = pw === tensor.width && ph === tensor.height ? tensor : padPlanar(tensor, pw, ph)
  // A single-output graph is bound by position: exports name it `output`, `out`, or a number.
  const output = session.outputNames.includes(names.output) ? names.output : (session.outputNames[0] ?? names.output)
  const out = await session.run(
    { [names.input]: { type: 'float32', data: fed.data, dims: [1, 3, fed.height, fed.width] } },
    { signal, outputs: [output] }
  )
  const t = out[output]
  if (!t || !(t.data instanceof Float32Array) || t.dims.length !== 4 || t.dims[1] !== 3) {
    throw new HeirloomError('MODEL_CONTRACT', `The upscaler returned no float32 [1,3,H,W] output named "${output}".`)
  }
  const height = t.dims[2]
  const width = t.dims[3]
  if (width !== fed.width * scale || height !== fed.height * scale) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `The upscaler turned a ${fed.width}x${fed.height} tile into ${width}x${height}; expected x${scale}.`
    )
  }
  assertFinite(t.data, 'The background upscaler')
  if (fed === tensor) return { data: t.data, width, height }
  return cropPlanar(t.data, width, height, tensor.width * scale, tensor.height * scale)
}

function cropPlanar(data: Float32Array, w: number, h: number, cw: number, ch: number): TileRunResult {
  const out = new Float32Array(3 * cw * ch)
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < ch; y++) {
      const from = c * w * h + y * w
      out.set(data.subarray(from, from + cw), c * cw * ch + y * cw)
    }
  }
  return { data: out, width: cw, height: ch }
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
