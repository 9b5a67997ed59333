import { describe, expect, it } from 'vitest'
import { HeirloomError } from '../../src/main/core/errors'
import { loadNpy, parseNpy } from '../../src/main/core/models/npy'
import { describeShared, modelPath } from '../helpers/shared-assets'

function npy(descr: string, shape: string, body: Uint8Array, fortran = 'False'): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`
  while ((10 + header.length + 1) % 64 !== 0) header += ' '
  header += '\n'
  const out = new Uint8Array(10 + header.length + body.length)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])
  new DataView(out.buffer).setUint16(8, header.length, true)
  out.set(new TextEncoder().encode(header), 10)
  out.set(body, 10 + header.length)
  return out
}

const code = (fn: () => unknown): string => {
  try {
    fn()
    return 'ok'
  } catch (e) {
    return e instanceof HeirloomError ? e.code : 'raw'
  }
}

describe('parseNpy', () => {
  it('reads float32 and float64 arrays', () => {
    const f32 = Float32Array.from([1.5, -2, 3, 4, 5, 6])
    const a = parseNpy(npy('<f4', '(2, 3)', new Uint8Array(f32.buffer)))
    expect(a.dims).toEqual([2, 3])
    expect(Array.from(a.data)).toEqual([1.5, -2, 3, 4, 5, 6])
    const f64 = Float64Array.from([0.25, 1e-3])
    const b = parseNpy(npy('<f8', '(2,)', new Uint8Array(f64.buffer)))
    expect(b.dims).toEqual([2])
    expect(b.data[1]).toBeCloseTo(1e-3, 9)
  })

  it('rejects other dtypes, Fortran order, truncation and non-npy bytes with MODEL_INVALID', () => {
    expect(code(() => parseNpy(npy('<i8', '(1,)', new Uint8Array(8))))).toBe('MODEL_INVALID')
    expect(code(() => parseNpy(npy('>f4', '(1,)', new Uint8Array(4))))).toBe('MODEL_INVALID')
    expect(code(() => parseNpy(npy('<f4', '(2, 2)', new Uint8Array(16), 'True')))).toBe('MODEL_INVALID')
    expect(code(() => parseNpy(npy('<f4', '(4,)', new Uint8Array(8))))).toBe('MODEL_INVALID')
    expect(code(() => parseNpy(new TextEncoder().encode('hello world, not numpy')))).toBe('MODEL_INVALID')
    expect(code(() => loadNpy('/nonexistent/dir/a.npy'))).toBe('MODEL_MISSING')
  })
})

describeShared('loadNpy on the real e4e age direction', () => {
  it('is float32 [1,512] with unit norm', () => {
    const d = loadNpy(modelPath('e4e_age_direction.npy'))
    expect(d.dims).toEqual([1, 512])
    const norm = Math.sqrt(d.data.reduce((s, v) => s + v * v, 0))
    expect(norm).toBeCloseTo(1, 3)
  })
})
