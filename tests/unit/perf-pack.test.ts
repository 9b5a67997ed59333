import { describe, expect, it } from 'vitest'
import type { RgbImage } from '../../src/main/core/image/types'
import { packTensor, type PackOptions } from '../../src/main/core/stages/detect/pack'

function noise(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3)
  for (let i = 0; i < data.length; i++) data[i] = (i * 167 + (i >> 5) * 13) & 255
  return { width: w, height: h, data }
}

/** Per-element reference: value = (pixel - mean[slot]) * scale, padding elsewhere. */
function reference(img: RgbImage, inputW: number, inputH: number, o: PackOptions): Float32Array {
  const out = new Float32Array(3 * inputW * inputH).fill(o.padValue ?? 0)
  const nchw = (o.layout ?? 'NCHW') === 'NCHW'
  for (let y = 0; y < Math.min(img.height, inputH); y++) {
    for (let x = 0; x < Math.min(img.width, inputW); x++) {
      for (let c = 0; c < 3; c++) {
        const slot = o.channels === 'BGR' ? 2 - c : c
        const v = (img.data[(y * img.width + x) * 3 + c] - o.mean[slot]) * o.scale
        out[nchw ? slot * inputW * inputH + y * inputW + x : (y * inputW + x) * 3 + slot] = v
      }
    }
  }
  return out
}

describe('packTensor fast path equals the per-element reference', () => {
  // Widths around the 4-pixel groups, images cropped by and padded into the input, a Buffer source.
  const cases: [number, number, number, number][] = [
    [13, 7, 16, 8],
    [16, 9, 16, 12],
    [7, 3, 5, 2],
    [1, 1, 4, 4]
  ]
  for (const [w, h, iw, ih] of cases) {
    it(`${w}x${h} into ${iw}x${ih}`, () => {
      const img = noise(w, h)
      const asBuffer = { ...img, data: Buffer.from(img.data) }
      for (const layout of ['NCHW', 'NHWC'] as const) {
        for (const channels of ['RGB', 'BGR'] as const) {
          const o: PackOptions = { channels, mean: [1.5, 127, 3], scale: 1 / 128, layout, padValue: -0.25 }
          expect([...packTensor(asBuffer, iw, ih, o)]).toEqual([...reference(img, iw, ih, o)])
          const raw: PackOptions = { channels, mean: [0, 0, 0], scale: 1, layout }
          expect([...packTensor(img, iw, ih, raw)]).toEqual([...reference(img, iw, ih, raw)])
        }
      }
    })
  }
})
