import { describe, expect, it } from 'vitest'
import { invertAffine } from '../../src/main/core/geometry/affine'
import type { Affine } from '../../src/main/core/geometry/types'
import type { RgbImage } from '../../src/main/core/image/types'
import { warpAffineRgb, warpToTensor } from '../../src/main/core/warp/crop'

/** Deterministic pseudo-random bytes (LCG) so failures reproduce. */
function noise(w: number, h: number, seed: number): RgbImage {
  const data = new Uint8Array(w * h * 3)
  let s = seed >>> 0
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    data[i] = s >>> 24
  }
  return { width: w, height: h, data }
}

/**
 * Plain per-pixel reference of cv2.warpAffine (INTER_LINEAR): positions in 1/1024 px rounded per column and per row,
 * truncated to 1/32 px, bilinear weights in 1/1024, each tap clamped (replicate) or the fill (constant).
 */
function reference(
  img: RgbImage,
  m: Affine,
  width: number,
  height: number,
  replicate: boolean,
  fill: number[]
): number[][] {
  const [ia, ib, ic, id, ie, iff] = invertAffine(m)
  const out: number[][] = []
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const qx = Math.floor((Math.round(ia * x * 1024) + Math.round((ib * y + ic) * 1024) + 16) / 32)
      const qy = Math.floor((Math.round(id * x * 1024) + Math.round((ie * y + iff) * 1024) + 16) / 32)
      const x0 = Math.floor(qx / 32)
      const y0 = Math.floor(qy / 32)
      const fx = qx - x0 * 32
      const fy = qy - y0 * 32
      const sum = [0, 0, 0]
      for (const [dx, dy, wt] of [
        [0, 0, (32 - fx) * (32 - fy)],
        [1, 0, fx * (32 - fy)],
        [0, 1, (32 - fx) * fy],
        [1, 1, fx * fy]
      ] as const) {
        let sx = x0 + dx
        let sy = y0 + dy
        const inside = sx >= 0 && sy >= 0 && sx < img.width && sy < img.height
        if (!inside && !replicate) {
          for (let c = 0; c < 3; c++) sum[c] += wt * fill[c]
          continue
        }
        sx = Math.min(img.width - 1, Math.max(0, sx))
        sy = Math.min(img.height - 1, Math.max(0, sy))
        for (let c = 0; c < 3; c++) sum[c] += wt * img.data[(sy * img.width + sx) * 3 + c]
      }
      out.push(sum)
    }
  }
  return out
}

/** Similarity transforms that place the crop partly or wholly outside, rotate, shrink and enlarge. */
const CASES: { name: string; m: Affine }[] = [
  { name: 'shrink + rotate, inside', m: [0.62, -0.11, 3.5, 0.11, 0.62, -2.25] },
  { name: 'enlarge + rotate, crosses every edge', m: [2.3, 0.9, -20.3, -0.9, 2.3, 15.7] },
  { name: 'upside down', m: [-1.1, 0.05, 40.2, -0.05, -1.1, 33.9] },
  { name: 'quarter turn', m: [0, -1, 30, 1, 0, 0] },
  { name: 'mostly outside', m: [1, 0, 35.5, 0, 1, -20.25] },
  { name: 'far outside', m: [1, 0, -5e6, 0, 1, 3e6] }
]

describe('crop warp fast paths equal the plain cv2 reference', () => {
  const img = noise(37, 29, 7)
  for (const { name, m } of CASES) {
    it(`${name}: RGB (constant and replicate) and NCHW/NHWC tensors`, () => {
      for (const replicate of [false, true]) {
        const fill = [9, 200, 77]
        const ref = reference(img, m, 41, 23, replicate, fill)
        const opts = replicate ? { border: 'replicate' as const } : { fill: fill as [number, number, number] }
        const rgb = warpAffineRgb(img, m, 41, 23, opts)
        expect([...rgb.data]).toEqual(ref.flatMap((p) => p.map((v) => (v + 512) >> 10)))
        const std: [number, number, number] = [0.5, 0.25, 0.2]
        const mean: [number, number, number] = [0.1, 0.2, 0.3]
        for (const layout of ['NCHW', 'NHWC'] as const) {
          const t = warpToTensor(img, m, 41, 23, { ...opts, channels: 'BGR', mean, std, layout })
          const n = 41 * 23
          let maxErr = 0
          ref.forEach((p, i) => {
            for (let c = 0; c < 3; c++) {
              const slot = 2 - c
              const want = (p[c] / 1024 / 255 - mean[slot]) / std[slot]
              const got = layout === 'NCHW' ? t[slot * n + i] : t[i * 3 + slot]
              maxErr = Math.max(maxErr, Math.abs(got - want))
            }
          })
          expect(maxErr).toBeLessThan(1e-5)
        }
      }
    })
  }

  it('reads a Buffer source and images too narrow for the 32-bit reads', () => {
    for (const [w, h] of [
      [1, 1],
      [2, 5],
      [3, 2]
    ] as const) {
      const small = noise(w, h, w * 31 + h)
      const m: Affine = [1.3, 0.2, 0.4, -0.2, 1.3, 0.7]
      const want = reference(small, m, 6, 7, true, [0, 0, 0]).flatMap((p) => p.map((v) => (v + 512) >> 10))
      const asBuffer = { ...small, data: Buffer.from(small.data) }
      expect([...warpAffineRgb(asBuffer, m, 6, 7, { border: 'replicate' }).data]).toEqual(want)
    }
  })
})
