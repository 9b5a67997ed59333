import { describe, expect, it } from 'vitest'
import type { RgbImage } from '../../src/main/core/image/types'
import { applyAffine } from '../../src/main/core/geometry/affine'
import { multiScaleColorTransfer } from '../../src/main/core/warp/colour'
import { tensorToRgb } from '../../src/main/core/warp/tensor'
import {
  applyTables,
  lowFrequencyTransfer,
  meanStdTables,
  planarToRgb
} from '../../src/main/core/stages/age/colour-fit'
import { centreSquare, pasteRegion, resizedAffine } from '../../src/main/core/stages/age/postprocess'
import { fromHalf, toHalf } from '../../src/main/core/stages/age/tensor-io'

function pattern(size: number, f: (x: number, y: number, c: number) => number): RgbImage {
  const data = new Uint8Array(size * size * 3)
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) data[(y * size + x) * 3 + c] = f(x, y, c)
  return { width: size, height: size, data }
}

describe('age postprocess', () => {
  it('planarToRgb matches tensorToRgb (clip, round) within one level, NaN -> 0', () => {
    const t = Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => Math.sin(i * 0.37) * 1.3)
    t[10] = Number.NaN
    const a = planarToRgb(t, 64)
    const b = tensorToRgb(t, 64, 64, { range: '[-1,1]' })
    let m = 0
    for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]))
    expect(m).toBeLessThanOrEqual(1)
    expect(a.data[30]).toBe(0)
  })

  it('mean/std tables move the statistics onto the reference (sampled at its resolution)', () => {
    const src = pattern(256, (x, y, c) => 40 + ((x * 3 + y + c * 20) % 60))
    const ref = pattern(64, (x, y, c) => 120 + ((x * 7 + y * 3 + c) % 100))
    const out = applyTables(src, meanStdTables(src, ref))
    const mean = (img: RgbImage, c: number) => {
      let s = 0
      for (let i = c; i < img.data.length; i += 3) s += img.data[i]
      return s / (img.data.length / 3)
    }
    for (let c = 0; c < 3; c++) expect(Math.abs(mean(out, c) - mean(ref, c))).toBeLessThan(2)
  })

  it('lowFrequencyTransfer (proxy) agrees with the full-size multi-scale transfer', () => {
    const src = pattern(600, (x, y, c) => 90 + Math.round(40 * Math.sin(x / 50 + c) * Math.cos(y / 70)) + ((x + y) % 7))
    const ref = pattern(384, (x, y, c) => 140 + Math.round(30 * Math.cos(x / 40) * Math.sin(y / 60 + c)))
    const fast = lowFrequencyTransfer(src, ref)
    const full = multiScaleColorTransfer(src, ref)
    let se = 0
    for (let i = 0; i < fast.data.length; i++) se += (fast.data[i] - full.data[i]) ** 2
    const psnr = 10 * Math.log10((255 * 255) / (se / fast.data.length))
    expect(psnr).toBeGreaterThan(35)
  })

  it('resizedAffine keeps pixel centres (x_B = (x_A + 0.5) s - 0.5) and centreSquare crops the middle', async () => {
    const m = [1, 0, 0, 0, 1, 0] as const
    const r = resizedAffine(m, 0.5)
    expect(applyAffine(r, [-0.5, -0.5])).toEqual([-0.5, -0.5])
    expect(applyAffine(r, [99.5, 99.5])).toEqual([49.5, 49.5])
    const img = pattern(100, (x, y) => (x === 50 && y === 50 ? 255 : 0))
    const c = centreSquare(img, 0.8)
    expect(c.img.width).toBe(80)
    expect(c.img.data[((50 - c.offset) * 80 + (50 - c.offset)) * 3]).toBe(255)
    // pasteRegion: image pixel p maps to the same content in the resized region
    const big = pattern(1024, (x, y) => (Math.abs(x - 600) < 30 && Math.abs(y - 500) < 30 ? 255 : 0))
    const region = await pasteRegion(big, [1, 0, 0, 0, 1, 0], 0.8, 0.5)
    expect(region.face.width).toBe(410)
    const q = applyAffine(region.affine, [600, 500])
    expect(region.face.data[(Math.round(q[1]) * region.face.width + Math.round(q[0])) * 3]).toBeGreaterThan(200)
  })

  it('float16 round trip', () => {
    const v = Float32Array.of(0, 1, -2.5, 0.1, 65504, 1e-6, 70000, Number.NaN)
    const back = fromHalf(toHalf(v))
    expect(back[1]).toBe(1)
    expect(back[2]).toBe(-2.5)
    expect(back[3]).toBeCloseTo(0.1, 3)
    expect(back[4]).toBe(65504)
    expect(back[5]).toBeCloseTo(1e-6, 7)
    expect(back[6]).toBe(Infinity)
    expect(Number.isNaN(back[7])).toBe(true)
  })
})
