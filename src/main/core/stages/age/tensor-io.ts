import { HeirloomError } from '../../errors'
import { assertFinite } from '../../runtime/finite'
import type { IoInfo, ModelSession, TensorData } from '../../runtime/types'

/**
 * Float feeds/outputs for graphs exported in fp32 or fp16 (ailia's SAM graphs are fp16). ORT does not convert,
 * so half floats are packed/unpacked here.
 */
export function floatFeed(info: IoInfo, data: Float32Array, dims: readonly number[]): TensorData {
  if (info.type === 'float16') return { type: 'float16', data: toHalf(data), dims }
  return { type: 'float32', data, dims }
}

export function readFloat(t: TensorData, label: string): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array
  if (t.type === 'float16') return fromHalf(t.data as Uint16Array)
  if (t.type === 'float64') return Float32Array.from(t.data as Float64Array)
  throw new HeirloomError('MODEL_CONTRACT', `${label}: output is ${t.type}, expected float32 or float16.`)
}

/** Runs the session and returns its first output as float32 with its dims. */
export async function runFirstOutput(
  session: ModelSession,
  feeds: Record<string, TensorData>,
  label: string,
  signal?: AbortSignal
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const name = session.outputNames[0]
  if (name === undefined) throw new HeirloomError('MODEL_CONTRACT', `${label}: the graph has no output.`)
  const result = await session.run(feeds, { signal, outputs: [name] })
  const t = result[name]
  if (!t) throw new HeirloomError('MODEL_RUNTIME', `${label}: the model returned no output.`)
  const data = readFloat(t, label)
  assertFinite(data, label)
  return { data, dims: t.dims }
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** IEEE 754 binary32 -> binary16, round to nearest even, overflow to infinity. */
export function toHalf(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length)
  for (let i = 0; i < src.length; i++) {
    f32[0] = src[i]!
    const x = u32[0]
    const sign = (x >>> 16) & 0x8000
    const exp = (x >>> 23) & 0xff
    let mant = x & 0x7fffff
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0)
      continue
    }
    const e = exp - 127 + 15
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00
    } else if (e <= 0) {
      if (e < -10) {
        out[i] = sign
        continue
      }
      mant |= 0x800000
      const shift = 14 - e
      let h = mant >>> shift
      const rem = mant & ((1 << shift) - 1)
      const half = 1 << (shift - 1)
      if (rem > half || (rem === half && h & 1)) h++
      out[i] = sign | h
    } else {
      let h = (e << 10) | (mant >>> 13)
      const rem = mant & 0x1fff
      if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++
      out[i] = sign | h
    }
  }
  return out
}

export function fromHalf(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length)
  for (let i = 0; i < src.length; i++) {
    const h = src[i]
    const sign = h & 0x8000 ? -1 : 1
    const exp = (h >>> 10) & 0x1f
    const mant = h & 0x3ff
    out[i] =
      exp === 0
        ? sign * mant * 2 ** -24
        : exp === 0x1f
          ? mant
            ? Number.NaN
            : sign * Infinity
          : sign * (1 + mant / 1024) * 2 ** (exp - 15)
  }
  return out
}
