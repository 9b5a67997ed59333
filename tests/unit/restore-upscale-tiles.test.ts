import { describe, expect, it } from 'vitest'
import type { RgbImage } from '../../src/main/core/image/types'
import type { ModelSession, TensorData } from '../../src/main/core/runtime/types'
import { planTiles, rampWeights, upscaleTiled } from '../../src/main/core/stages/upscale'

/** A pointwise x`s` nearest-neighbour "model" in JS: tiling it must give exactly the untiled result. */
function nearestSession(s: number, failAbove = Infinity): ModelSession & { runs: number[] } {
  const runs: number[] = []
  return {
    runs,
    inputNames: ['input'],
    outputNames: ['output'],
    inputs: [{ name: 'input', type: 'float32', dims: [1, 3, 'h', 'w'] }],
    outputs: [{ name: 'output', type: 'float32', dims: [1, 3, 'H', 'W'] }],
    provider: 'cpu',
    run(feeds: Readonly<Record<string, TensorData>>) {
      const t = feeds.input
      const [, , h, w] = t.dims as number[]
      runs.push(Math.max(h, w))
      if (Math.max(h, w) > failAbove)
        return Promise.reject(new Error('Failed to allocate memory for requested buffer of size 123'))
      const src = t.data as Float32Array
      const H = h * s
      const W = w * s
      const out = new Float32Array(3 * H * W)
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++)
            out[c * H * W + y * W + x] = src[c * h * w + Math.floor(y / s) * w + Math.floor(x / s)]!
      return Promise.resolve({ output: { type: 'float32' as const, data: out, dims: [1, 3, H, W] } })
    },
    async dispose() {}
  }
}

function noise(w: number, h: number, seed = 1): RgbImage {
  const data = new Uint8Array(w * h * 3)
  let x = seed
  for (let i = 0; i < data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    data[i] = x >>> 24
  }
  return { width: w, height: h, data }
}

describe('upscale tile plan', () => {
  it('partitions the image and clamps context to the borders', () => {
    const plan = planTiles(250, 130, 100, 10)
    expect(plan.cols).toBe(3)
    expect(plan.rows).toBe(2)
    let area = 0
    for (const t of plan.tiles) {
      area += (t.x1 - t.x0) * (t.y1 - t.y0)
      expect(t.ix0).toBe(Math.max(0, t.x0 - 10))
      expect(t.iy1).toBe(Math.min(130, t.y1 + 10))
    }
    expect(area).toBe(250 * 130)
  })

  it('cross-fade weights of neighbours sum to one across a boundary', () => {
    for (let p = 80; p < 120; p++) {
      const a = rampWeights(p, 0, 100, 5, false, true)
      const b = rampWeights(p, 100, 200, 5, true, true)
      expect(a.lo * a.hi + b.lo * b.hi).toBeCloseTo(1, 10)
    }
    expect(rampWeights(50, 0, 100, 5, true, true).hi).toBe(1)
    expect(rampWeights(110, 0, 100, 5, false, true).hi).toBe(0)
  })
})

describe('upscaleTiled', () => {
  it('tiled output of a pointwise model equals the untiled output', async () => {
    const img = noise(97, 75)
    const whole = await upscaleTiled(nearestSession(2), img, { scale: 2, tile: 1000 })
    const ticks: number[] = []
    const tiled = await upscaleTiled(nearestSession(2), img, {
      scale: 2,
      tile: 32,
      overlap: 10,
      onTile: (d) => ticks.push(d)
    })
    expect(tiled.width).toBe(194)
    expect(tiled.height).toBe(150)
    let maxDiff = 0
    for (let i = 0; i < whole.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(whole.data[i] - tiled.data[i]))
    // Sequential cross-fading rounds to 8 bits at each step: at most 1 level off.
    expect(maxDiff).toBeLessThanOrEqual(1)
    expect(ticks).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    // Nearest x2 of pixel (10,20) sits at (20..21, 40..41).
    expect(Array.from(tiled.data.slice((41 * 194 + 21) * 3, (41 * 194 + 21) * 3 + 3))).toEqual(
      Array.from(img.data.slice((20 * 97 + 10) * 3, (20 * 97 + 10) * 3 + 3))
    )
  })

  it('halves the tile size when a run fails for memory', async () => {
    const img = noise(150, 90)
    const session = nearestSession(2, 70)
    const sizes: number[] = []
    const out = await upscaleTiled(session, img, {
      scale: 2,
      tile: 400,
      overlap: 4,
      onTileSizeChange: (t) => sizes.push(t)
    })
    expect(sizes).toEqual([200, 100, 50])
    expect(out.width).toBe(300)
    const ref = await upscaleTiled(nearestSession(2), img, { scale: 2, tile: 1000 })
    let maxDiff = 0
    for (let i = 0; i < ref.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ref.data[i] - out.data[i]))
    expect(maxDiff).toBeLessThanOrEqual(1)
  })

  it('does not retry errors that are not about memory, and stops on abort', async () => {
    const img = noise(64, 64)
    const broken: ModelSession = { ...nearestSession(2), run: async () => Promise.reject(new Error('shape mismatch')) }
    await expect(upscaleTiled(broken, img, { scale: 2, tile: 32 })).rejects.toThrow('shape mismatch')
    const ac = new AbortController()
    const s = nearestSession(2)
    await expect(
      upscaleTiled(s, img, { scale: 2, tile: 32, signal: ac.signal, onTile: () => ac.abort() })
    ).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(s.runs.length).toBe(1)
  })

  it('rejects a model whose output is not the declared scale', async () => {
    await expect(upscaleTiled(nearestSession(2), noise(20, 20), { scale: 4 })).rejects.toMatchObject({
      code: 'MODEL_CONTRACT'
    })
  })
})
