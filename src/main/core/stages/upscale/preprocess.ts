import type { RgbImage } from '../../image/types'
import type { Tile } from './tiles'

export interface UpscaleTensorSpec {
  channels: 'RGB' | 'BGR'
  mean: readonly [number, number, number]
  std: readonly [number, number, number]
}

/**
 * The model-input rectangle of one tile as a planar NCHW float tensor. Hand-written because the tile is a sub-rect:
 * going through a cropped RgbImage would copy every tile twice.
 */
export function tileToTensor(
  img: RgbImage,
  tile: Tile,
  spec: UpscaleTensorSpec
): { data: Float32Array; width: number; height: number } {
  const width = tile.ix1 - tile.ix0
  const height = tile.iy1 - tile.iy0
  const plane = width * height
  const data = new Float32Array(3 * plane)
  const order = spec.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2]
  for (let c = 0; c < 3; c++) {
    const src = order[c]
    const m = spec.mean[c]
    const inv = 1 / (255 * spec.std[c])
    const bias = m / spec.std[c]
    const base = c * plane
    for (let y = 0; y < height; y++) {
      let si = ((tile.iy0 + y) * img.width + tile.ix0) * 3 + src
      let di = base + y * width
      for (let x = 0; x < width; x++, si += 3, di++) data[di] = img.data[si] * inv - bias
    }
  }
  return { data, width, height }
}
