import { describe, expect, it } from 'vitest'
import { resizeAreaRgb } from '../../src/main/core/image/resize-area'

const gray = (w: number, h: number, f: (x: number, y: number) => number) => {
  const data = new Uint8Array(w * h * 3)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.fill(f(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3)
  return { width: w, height: h, data }
}

describe('resizeAreaRgb (OpenCV INTER_AREA, as FaceFusion shrinks StyleGANEX output)', () => {
  it('integer factors average whole blocks', () => {
    const img = gray(4, 2, (x) => [0, 100, 200, 50][x])
    const out = resizeAreaRgb(img, 2, 1)
    expect([...out.data]).toEqual([50, 50, 50, 125, 125, 125])
  })

  it('fractional factors weight the pixels they partly cover (3 -> 2: weights 1, 1/2 | 1/2, 1)', () => {
    const out = resizeAreaRgb(
      gray(3, 1, (x) => [0, 90, 180][x]),
      2,
      1
    )
    expect([out.data[0], out.data[3]]).toEqual([30, 150])
  })

  it('keeps the mean of a 1536 image shrunk to 1024 and never rings at an edge', () => {
    const img = gray(1536, 8, (x) => (x < 768 ? 0 : 255))
    const out = resizeAreaRgb(img, 1024, 4)
    let sum = 0
    for (let i = 0; i < out.data.length; i += 3) sum += out.data[i]
    expect(sum / (out.data.length / 3)).toBeCloseTo(127.5, 0)
    expect(Math.min(...out.data)).toBe(0)
    expect(Math.max(...out.data)).toBe(255)
  })

  it('refuses to enlarge and bad sizes', () => {
    expect(() =>
      resizeAreaRgb(
        gray(4, 4, () => 0),
        8,
        8
      )
    ).toThrow(/only shrinks/)
    expect(() =>
      resizeAreaRgb(
        gray(4, 4, () => 0),
        0,
        2
      )
    ).toThrow(/positive integers/)
  })
})
