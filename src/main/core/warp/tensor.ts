import { HeirloomError } from '../errors'
import type { RgbImage } from '../image/types'

export type TensorRange = '[-1,1]' | '[0,1]' | '[0,255]'

export interface TensorToRgbOptions {
  range: TensorRange
  channels?: 'RGB' | 'BGR'
  layout?: 'NCHW' | 'NHWC'
  batchIndex?: number
}

export interface RgbToTensorOptions {
  channels: 'RGB' | 'BGR'
  mean: [number, number, number]
  std: [number, number, number]
  layout?: 'NCHW' | 'NHWC'
}

/** Model output -> 8-bit RGB, clipped to the range and rounded. */
export function tensorToRgb(data: Float32Array, width: number, height: number, opts: TensorToRgbOptions): RgbImage {
  const n = width * height
  const base = (opts.batchIndex ?? 0) * n * 3
  if (!(n > 0) || data.length < base + n * 3) {
    throw new HeirloomError(
      'MODEL_RUNTIME',
      `Model output has ${data.length} values; expected at least ${base + n * 3} for a ${width}x${height} RGB image.`
    )
  }
  // v * mul + add maps the model range onto 0..255.
  const [mul, add] = opts.range === '[-1,1]' ? [127.5, 127.5] : opts.range === '[0,1]' ? [255, 0] : [1, 0]
  const bgr = opts.channels === 'BGR'
  const out = new Uint8Array(n * 3)
  const nchw = (opts.layout ?? 'NCHW') === 'NCHW'
  for (let c = 0; c < 3; c++) {
    const srcC = bgr ? 2 - c : c
    for (let i = 0; i < n; i++) {
      const v = data[nchw ? base + srcC * n + i : base + i * 3 + srcC] * mul + add
      // NaN from a broken model maps to 0 rather than poisoning the photo.
      out[i * 3 + c] = v >= 255 ? 255 : v > 0 ? v + 0.5 : 0
    }
  }
  return { width, height, data: out }
}

/** 8-bit RGB -> normalised float tensor ((pixel/255 - mean)/std). */
export function rgbToTensor(img: RgbImage, opts: RgbToTensorOptions): Float32Array {
  const n = img.width * img.height
  const out = new Float32Array(n * 3)
  const nchw = (opts.layout ?? 'NCHW') === 'NCHW'
  const src = img.data
  for (let c = 0; c < 3; c++) {
    const srcC = opts.channels === 'BGR' ? 2 - c : c
    const s = 1 / (255 * opts.std[c])
    const b = -opts.mean[c] / opts.std[c]
    for (let i = 0; i < n; i++) {
      out[nchw ? c * n + i : i * 3 + c] = src[i * 3 + srcC] * s + b
    }
  }
  return out
}
