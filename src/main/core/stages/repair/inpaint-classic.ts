/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment -- OpenCV.js types its constants (CV_8UC1, MORPH_*) as any */
/**
 * `classic` repair: OpenCV's inpainting (Telea's fast marching or Navier-Stokes) through OpenCV.js, run tile by tile
 * over the tiles that hold damage so a 24 MP scan never needs a whole-image copy in the WebAssembly heap.
 */
import { throwIfAborted } from '../../errors'
import type { RgbImage } from '../../image/types'
import { free, loadOpenCv } from './opencv'
import type { DamageMask } from './types'

export type ClassicAlgorithm = 'telea' | 'ns'

export interface ClassicOptions {
  algorithm?: ClassicAlgorithm
  /** Neighbourhood radius OpenCV considers around each filled pixel (its sample uses 3). */
  radius?: number
  /** Core tile side; each tile is read with `margin` extra context on every side. */
  tile?: number
  margin?: number
  signal?: AbortSignal
  onTile?: (done: number, total: number) => void
}

/** Returns a new image; pixels outside the mask are the input's, byte for byte. */
export async function inpaintClassic(image: RgbImage, mask: DamageMask, opts: ClassicOptions = {}): Promise<RgbImage> {
  const cv = await loadOpenCv()
  const { width: W, height: H } = image
  const tile = opts.tile ?? 1024
  const margin = opts.margin ?? 48
  const flag = opts.algorithm === 'ns' ? cv.INPAINT_NS : cv.INPAINT_TELEA
  const radius = opts.radius ?? 3
  const out = Uint8Array.from(image.data)
  const jobs: [number, number][] = []
  for (let ty = 0; ty < H; ty += tile) {
    for (let tx = 0; tx < W; tx += tile) {
      if (anyMasked(mask, tx, ty, Math.min(tile, W - tx), Math.min(tile, H - ty))) jobs.push([tx, ty])
    }
  }
  for (let j = 0; j < jobs.length; j++) {
    throwIfAborted(opts.signal)
    const [tx, ty] = jobs[j]
    const x0 = Math.max(0, tx - margin)
    const y0 = Math.max(0, ty - margin)
    const x1 = Math.min(W, tx + tile + margin)
    const y1 = Math.min(H, ty + tile + margin)
    const w = x1 - x0
    const h = y1 - y0
    const src = new cv.Mat(h, w, cv.CV_8UC3)
    const m = new cv.Mat(h, w, cv.CV_8UC1)
    const dst = new cv.Mat()
    try {
      // Read from the original (not `out`) so neighbouring tiles see the same context wherever they overlap.
      for (let y = 0; y < h; y++) {
        const s = ((y0 + y) * W + x0) * 3
        src.data.set(image.data.subarray(s, s + w * 3), y * w * 3)
        const ms = (y0 + y) * W + x0
        m.data.set(mask.data.subarray(ms, ms + w), y * w)
      }
      cv.inpaint(src, m, dst, radius, flag)
      const d = dst.data
      const cx1 = Math.min(W, tx + tile)
      const cy1 = Math.min(H, ty + tile)
      for (let y = ty; y < cy1; y++) {
        for (let x = tx; x < cx1; x++) {
          const i = y * W + x
          if (mask.data[i] === 0) continue
          const o = ((y - y0) * w + (x - x0)) * 3
          out[i * 3] = d[o]
          out[i * 3 + 1] = d[o + 1]
          out[i * 3 + 2] = d[o + 2]
        }
      }
    } finally {
      free(src, m, dst)
    }
    opts.onTile?.(j + 1, jobs.length)
  }
  return { width: W, height: H, data: out }
}

function anyMasked(mask: DamageMask, x0: number, y0: number, w: number, h: number): boolean {
  for (let y = y0; y < y0 + h; y++) {
    const row = y * mask.width
    for (let x = x0; x < x0 + w; x++) if (mask.data[row + x] !== 0) return true
  }
  return false
}
