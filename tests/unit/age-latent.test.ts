import { describe, expect, it } from 'vitest'
import {
  addLatents,
  broadcastToLayers,
  editLatent,
  LATENT_DIM,
  NUM_LAYERS,
  truncateLatent,
  WPLUS_SIZE
} from '../../src/main/core/stages/age/latent'
import { parseLayerRange } from '../../src/main/core/stages/age/layer-range'
import { seededNormals } from '../../src/main/core/stages/age/prng'

const ramp = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, (_, i) => (i % 97) * scale)

describe('age latent math', () => {
  it('broadcasts a [1,512] direction to all 18 layers', () => {
    const d = ramp(LATENT_DIM, 0.01)
    const full = broadcastToLayers(d, [1, 512], 'direction')
    expect(full.length).toBe(WPLUS_SIZE)
    for (const l of [0, 7, 17]) expect(Array.from(full.subarray(l * 512, l * 512 + 512))).toEqual(Array.from(d))
  })

  it('keeps an [18,512] or [1,18,512] block as is and rejects other shapes', () => {
    const d = ramp(WPLUS_SIZE)
    expect(Array.from(broadcastToLayers(d, [18, 512], 'd'))).toEqual(Array.from(d))
    expect(Array.from(broadcastToLayers(d, [1, 18, 512], 'd'))).toEqual(Array.from(d))
    expect(() => broadcastToLayers(ramp(512 * 14), [14, 512], 'd')).toThrow(/\[14,512\]/)
    expect(() => broadcastToLayers(ramp(512), [512, 1], 'd')).toThrowError(
      expect.objectContaining({ code: 'MODEL_CONTRACT' })
    )
    expect(() => broadcastToLayers(ramp(600), [1, 512], 'd')).toThrowError(
      expect.objectContaining({ code: 'MODEL_CONTRACT' })
    )
  })

  it('rejects a direction with NaN', () => {
    const d = ramp(512)
    d[3] = Number.NaN
    expect(() => broadcastToLayers(d, [1, 512], 'd')).toThrowError(expect.objectContaining({ code: 'MODEL_INVALID' }))
  })

  it('adds k * d on the chosen layers only', () => {
    const w = ramp(WPLUS_SIZE, 0.5)
    const d = broadcastToLayers(ramp(LATENT_DIM, 0.01), [1, 512], 'd')
    const all = editLatent(w, d, 2)
    expect(all[5]).toBeCloseTo(w[5] + 2 * d[5], 5)
    expect(all[17 * 512 + 40]).toBeCloseTo(w[17 * 512 + 40] + 2 * d[17 * 512 + 40], 5)
    const some = editLatent(w, d, -1.5, [4, 8])
    for (let l = 0; l < NUM_LAYERS; l++) {
      const i = l * 512 + 50
      const expected = l >= 4 && l < 8 ? w[i] - 1.5 * d[i] : w[i]
      expect(some[i]).toBeCloseTo(expected, 5)
    }
    // the input is not modified
    expect(w[5]).toBe(2.5)
    expect(Array.from(editLatent(w, d, 0))).toEqual(Array.from(w))
  })

  it('rejects a latent of the wrong size', () => {
    expect(() => editLatent(ramp(16 * 512), ramp(WPLUS_SIZE), 1)).toThrowError(
      expect.objectContaining({ code: 'MODEL_CONTRACT' })
    )
  })

  it('adds latents and truncates toward the average', () => {
    const a = ramp(WPLUS_SIZE)
    const b = ramp(WPLUS_SIZE, -1)
    expect(addLatents(a, b).every((v) => v === 0)).toBe(true)
    const w = Float32Array.from({ length: 512 }, () => 2)
    const avg = Float32Array.from({ length: 512 }, () => 1)
    expect(truncateLatent(w, avg, 0.7)[100]).toBeCloseTo(1.7, 6)
  })
})

describe('age layer ranges', () => {
  it('parses inclusive ranges and single layers into half-open ranges', () => {
    expect(parseLayerRange(undefined)).toEqual([0, 18])
    expect(parseLayerRange('all')).toEqual([0, 18])
    expect(parseLayerRange('0-7')).toEqual([0, 8])
    expect(parseLayerRange('4..17')).toEqual([4, 18])
    expect(parseLayerRange('5')).toEqual([5, 6])
    expect(parseLayerRange(3)).toEqual([3, 4])
    expect(parseLayerRange([2, 9])).toEqual([2, 9])
  })
  it('rejects ranges outside 0..17 or malformed', () => {
    for (const bad of ['0-18', '7-3', 'x', '-1', [5, 5], [0, 19]]) {
      expect(() => parseLayerRange(bad)).toThrowError(expect.objectContaining({ code: 'INVALID_REQUEST' }))
    }
  })
})

describe('age seeded normals', () => {
  it('is deterministic per seed and roughly standard normal', () => {
    const a = seededNormals(42, 20000)
    expect(Array.from(seededNormals(42, 8))).toEqual(Array.from(a.subarray(0, 8)))
    expect(Array.from(seededNormals(43, 8))).not.toEqual(Array.from(a.subarray(0, 8)))
    let sum = 0
    let sq = 0
    for (const v of a) {
      sum += v
      sq += v * v
    }
    const mean = sum / a.length
    expect(Math.abs(mean)).toBeLessThan(0.03)
    expect(Math.abs(sq / a.length - mean * mean - 1)).toBeLessThan(0.05)
    expect(seededNormals(1, 5).length).toBe(5)
  })
})
