import { describe, expect, it } from 'vitest'
import type { Affine } from '../../src/main/core/geometry/types'
import type { RgbImage } from '../../src/main/core/image/types'
import { keepGrayscale, matchColorMeanStd, multiScaleColorTransfer } from '../../src/main/core/warp/colour'
import { warpAffineRgb, warpToTensor } from '../../src/main/core/warp/crop'
import { erodeRect, gaussianBlurMask, gaussianKernel } from '../../src/main/core/warp/morphology'
import { pasteBack } from '../../src/main/core/warp/paste'
import { rgbToTensor, tensorToRgb } from '../../src/main/core/warp/tensor'

function pattern(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3
      data[i] = (x * 37 + y * 11) % 256
      data[i + 1] = (x * 5 + y * 29) % 256
      data[i + 2] = (x * y) % 256
    }
  }
  return { width: w, height: h, data }
}

function flat(w: number, h: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(w * h * 3)
  for (let i = 0; i < w * h; i++) data.set(rgb, i * 3)
  return { width: w, height: h, data }
}

const px = (img: RgbImage, x: number, y: number): number[] => [
  ...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)
]
const ID: Affine = [1, 0, 0, 0, 1, 0]

describe('warpAffineRgb (cv2.warpAffine semantics)', () => {
  const src = pattern(20, 16)

  it('identity copies exactly; an integer shift moves pixels', () => {
    expect(Buffer.from(warpAffineRgb(src, ID, 20, 16).data).equals(Buffer.from(src.data))).toBe(true)
    // m maps source -> destination: destination (x, y) shows source (x - 3, y - 2).
    const shifted = warpAffineRgb(src, [1, 0, 3, 0, 1, 2], 20, 16)
    expect(px(shifted, 10, 7)).toEqual(px(src, 7, 5))
    expect(px(shifted, 0, 0)).toEqual([132, 133, 135])
  })

  it('interpolates bilinearly at half pixels', () => {
    const out = warpAffineRgb(src, [1, 0, -0.5, 0, 1, 0], 20, 16)
    const a = px(src, 4, 3)
    const b = px(src, 5, 3)
    expect(px(out, 4, 3)).toEqual(a.map((v, c) => Math.round((v + b[c]) / 2)))
  })

  it('constant border blends the fill, replicate repeats the edge', () => {
    const img = flat(4, 4, [200, 100, 50])
    const m: Affine = [1, 0, 0.5, 0, 1, 0]
    // Destination x=0 samples source x=-0.5: half edge pixel, half fill.
    expect(px(warpAffineRgb(img, m, 4, 4, { fill: [0, 0, 0] }), 0, 1)).toEqual([100, 50, 25])
    expect(px(warpAffineRgb(img, m, 4, 4, { border: 'replicate' }), 0, 1)).toEqual([200, 100, 50])
    expect(px(warpAffineRgb(img, [1, 0, 10, 0, 1, 0], 4, 4), 2, 2)).toEqual([132, 133, 135])
  })

  it('rotates 90° about the centre', () => {
    const img = pattern(5, 5)
    // Destination (x, y) = (4 - y_src, x_src): a quarter turn.
    const out = warpAffineRgb(img, [0, -1, 4, 1, 0, 0], 5, 5)
    expect(px(out, 4, 0)).toEqual(px(img, 0, 0))
    expect(px(out, 0, 3)).toEqual(px(img, 3, 4))
  })
})

describe('warpToTensor', () => {
  const src = pattern(30, 24)
  const m: Affine = [1.7, 0.3, -4, -0.3, 1.7, 2.5]

  it('matches rgbToTensor(warpAffineRgb(...)) in NCHW and NHWC, RGB and BGR', () => {
    const crop = warpAffineRgb(src, m, 16, 12)
    for (const layout of ['NCHW', 'NHWC'] as const) {
      for (const channels of ['RGB', 'BGR'] as const) {
        const opts = {
          channels,
          mean: [0.5, 0.4, 0.3] as [number, number, number],
          std: [0.5, 0.25, 0.2] as [number, number, number],
          layout
        }
        const direct = warpToTensor(src, m, 16, 12, opts)
        const ref = rgbToTensor(crop, opts)
        expect(direct.length).toBe(ref.length)
        // The direct path skips the 8-bit rounding: within half a level.
        let maxErr = 0
        for (let i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Math.abs(direct[i] - ref[i]))
        expect(maxErr).toBeLessThan(0.5 / 255 / 0.2 + 1e-6)
      }
    }
  })

  it('puts BGR first channel = blue and honours out/offset', () => {
    const one = flat(2, 2, [255, 0, 51])
    const out = new Float32Array(2 + 12)
    warpToTensor(one, ID, 2, 2, { channels: 'BGR', mean: [0, 0, 0], std: [1, 1, 1], out, offset: 2 })
    expect(out[0]).toBe(0)
    expect(out[2]).toBeCloseTo(0.2, 6)
    expect(out[2 + 8]).toBeCloseTo(1, 6)
    // YuNet-style raw 0..255: std 1/255.
    const raw = warpToTensor(one, ID, 2, 2, { channels: 'BGR', mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] })
    expect([raw[0], raw[4], raw[8]].map((v) => Math.round(v))).toEqual([51, 0, 255])
  })
})

describe('tensorToRgb / rgbToTensor', () => {
  it('round trips every range, layout and channel order', () => {
    const img = pattern(7, 5)
    for (const layout of ['NCHW', 'NHWC'] as const) {
      for (const channels of ['RGB', 'BGR'] as const) {
        const t = rgbToTensor(img, { channels, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], layout })
        expect(
          Buffer.from(tensorToRgb(t, 7, 5, { range: '[-1,1]', channels, layout }).data).equals(Buffer.from(img.data))
        ).toBe(true)
      }
    }
    const t01 = rgbToTensor(img, { channels: 'RGB', mean: [0, 0, 0], std: [1, 1, 1] })
    expect(Buffer.from(tensorToRgb(t01, 7, 5, { range: '[0,1]' }).data).equals(Buffer.from(img.data))).toBe(true)
  })

  it('clips, rounds, maps NaN to 0 and reads a batch slot', () => {
    const t = new Float32Array(2 * 3)
    t.set([2, -3, NaN, 0.5, 1, 0])
    const out = tensorToRgb(t, 1, 1, { range: '[-1,1]', layout: 'NHWC', batchIndex: 1 })
    expect([...out.data]).toEqual([191, 255, 128])
    const clipped = tensorToRgb(t, 1, 1, { range: '[-1,1]', layout: 'NHWC' })
    expect([...clipped.data]).toEqual([255, 0, 0])
    expect(() => tensorToRgb(t, 2, 2, { range: '[0,1]' })).toThrow()
  })
})

describe('mask filters', () => {
  it('erodeRect follows OpenCV anchors (2x2 erodes towards the top-left neighbour)', () => {
    const row = new Float32Array([0, 0, 1, 1, 1, 1, 0, 0])
    erodeRect(row, 8, 1, 2, 1)
    expect([...row]).toEqual([0, 0, 0, 1, 1, 1, 0, 0])
    const m4 = new Float32Array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1])
    // 4 wide: window x-2 .. x+1; image edges do not erode.
    erodeRect(m4, 12, 1, 4, 1)
    expect([...m4]).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
  })

  it('gaussianKernel uses OpenCV sigma and fixed small tables', () => {
    expect([...gaussianKernel(3)]).toEqual([0.25, 0.5, 0.25])
    const k = gaussianKernel(9)
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    // sigma = 0.3 * ((9 - 1) * 0.5 - 1) + 0.8 = 1.7
    expect(k[4] / k[3]).toBeCloseTo(Math.exp(1 / (2 * 1.7 * 1.7)), 10)
  })

  it('gaussianBlurMask preserves flat areas and smooths a step symmetrically', () => {
    const w = 21
    const mask = new Float32Array(w)
    for (let x = 10; x < w; x++) mask[x] = 1
    gaussianBlurMask(mask, w, 1, 5)
    expect(mask[0]).toBe(0)
    expect(mask[20]).toBe(1)
    expect(mask[9] + mask[10]).toBeCloseTo(1, 6)
    expect(mask[9]).toBeCloseTo(0.0625 + 0.25, 6)
  })
})

describe('pasteBack', () => {
  // Crop = 2x scale of the region at (20, 20), 64 px crop -> 32 px in the target.
  const m: Affine = [2, 0, -40, 0, 2, -40]

  for (const mask of ['feather', 'facexlib'] as const) {
    it(`${mask}: replaces the centre, leaves everything outside the returned box untouched`, () => {
      const target = pattern(100, 90)
      const before = target.data.slice()
      const box = pasteBack(target, flat(64, 64, [10, 200, 30]), m, { mask })
      const [bx, by, bw, bh] = box
      expect(bx).toBeGreaterThanOrEqual(0)
      expect(bx + bw).toBeLessThanOrEqual(100)
      expect(bw).toBeLessThan(60)
      expect(px(target, 36, 36)).toEqual([10, 200, 30])
      for (let y = 0; y < 90; y++) {
        for (let x = 0; x < 100; x++) {
          if (x >= bx && x < bx + bw && y >= by && y < by + bh) continue
          const i = (y * 100 + x) * 3
          expect(target.data[i]).toBe(before[i])
        }
      }
      // Just outside the face square the photo is untouched.
      expect(px(target, 16, 36)).toEqual([...before.subarray((36 * 100 + 16) * 3, (36 * 100 + 16) * 3 + 3)])
    })
  }

  it('strength 0 changes nothing and strength 0.5 blends halfway', () => {
    const t0 = flat(80, 80, [100, 100, 100])
    pasteBack(t0, flat(64, 64, [200, 0, 50]), m, { strength: 0 })
    expect(t0.data.every((v) => v === 100)).toBe(true)
    pasteBack(t0, flat(64, 64, [200, 0, 50]), m, { strength: 0.5 })
    expect(px(t0, 36, 36)).toEqual([150, 50, 75])
    expect(() => pasteBack(t0, flat(64, 64, [0, 0, 0]), m, { strength: 2 })).toThrow()
  })

  it('feather mask leaves no step: neighbouring pixels differ little across the seam', () => {
    const target = flat(100, 100, [0, 0, 0])
    pasteBack(target, flat(64, 64, [255, 255, 255]), m)
    let maxStep = 0
    for (let x = 1; x < 100; x++) maxStep = Math.max(maxStep, Math.abs(px(target, x, 36)[0] - px(target, x - 1, 36)[0]))
    // A hard paste would jump 255 in one pixel; the feather spreads it over ~3 px of this small face.
    expect(maxStep).toBeLessThan(140)
    expect(px(target, 36, 36)[0]).toBe(255)
  })

  it('handles a face partly outside the photo', () => {
    const target = pattern(40, 40)
    const box = pasteBack(target, flat(64, 64, [1, 2, 3]), [2, 0, 20, 0, 2, 20], { mask: 'facexlib' })
    expect(box[0]).toBe(0)
    expect(box[1]).toBe(0)
    expect(px(target, 2, 2)).toEqual([1, 2, 3])
  })
})

describe('colour', () => {
  it('matchColorMeanStd transfers per-channel mean and std', () => {
    const src = pattern(32, 32)
    const ref = flat(32, 32, [120, 40, 200])
    ref.data[0] = 100
    ref.data[3] = 140
    const out = matchColorMeanStd(src, ref)
    const mean = (img: RgbImage, c: number): number => {
      let s = 0
      for (let i = c; i < img.data.length; i += 3) s += img.data[i]
      return s / (img.data.length / 3)
    }
    for (let c = 0; c < 3; c++) expect(Math.abs(mean(out, c) - mean(ref, c))).toBeLessThan(1)
  })

  it('matchColorMeanStd measures statistics only under the mask', () => {
    const src = flat(4, 1, [50, 50, 50])
    src.data.set([250, 250, 250], 9)
    const ref = flat(4, 1, [90, 90, 90])
    const mask = new Uint8Array([255, 255, 255, 0])
    const out = matchColorMeanStd(src, ref, mask)
    expect(px(out, 0, 0)).toEqual([90, 90, 90])
  })

  it('multiScaleColorTransfer takes low-frequency colour from ref and keeps src detail', () => {
    const w = 64
    const src: RgbImage = flat(w, w, [100, 100, 100])
    for (let y = 0; y < w; y++)
      for (let x = 0; x < w; x++) if ((x + y) % 2) src.data.set([140, 140, 140], (y * w + x) * 3)
    const ref = flat(w, w, [200, 60, 40])
    const out = multiScaleColorTransfer(src, ref)
    const a = px(out, 20, 20)
    const b = px(out, 21, 20)
    // Mean follows ref, the 1-px checkerboard (40 levels) survives.
    expect(Math.abs((a[0] + b[0]) / 2 - 200)).toBeLessThan(3)
    expect(Math.abs((a[1] + b[1]) / 2 - 60)).toBeLessThan(3)
    expect(Math.abs(a[0] - b[0])).toBeGreaterThan(30)
  })

  it('keepGrayscale makes R=G=B', () => {
    const img = pattern(8, 8)
    keepGrayscale(img)
    for (let i = 0; i < img.data.length; i += 3) expect(img.data[i]).toBe(img.data[i + 2])
  })
})
