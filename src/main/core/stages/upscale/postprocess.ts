import type { RgbImage } from '../../image/types'
import type { TileRunResult } from './run'
import { rampWeights, type Tile, type TilePlan } from './tiles'

export interface BlendSpec {
  channels: 'RGB' | 'BGR'
  /** Model output y maps to pixel (y - lo) / (hi - lo) * 255. */
  outLo: number
  outHi: number
}

/**
 * Writes one tile's output into `out`, cross-fading with tiles already written. Tiles arrive in raster order, so
 * at any pixel the weight already written is (1 - wTop) + wTop * wBottom * (1 - wLeft); lerping with
 * own / (own + written) gives exactly the weighted average of all tiles once the last one lands, without a
 * full-size float accumulator.
 */
export function blendTile(
  out: RgbImage,
  result: TileRunResult,
  tile: Tile,
  plan: TilePlan,
  scale: number,
  half: number,
  spec: BlendSpec
): void {
  const H = half * scale
  const hasLeft = tile.col > 0
  const hasRight = tile.col < plan.cols - 1
  const hasTop = tile.row > 0
  const hasBottom = tile.row < plan.rows - 1
  const cx0 = tile.x0 * scale
  const cx1 = tile.x1 * scale
  const cy0 = tile.y0 * scale
  const cy1 = tile.y1 * scale
  // Region this tile touches: its core plus the cross-fade band where a neighbour exists.
  const wx0 = Math.max(tile.ix0 * scale, hasLeft ? cx0 - H : cx0)
  const wx1 = Math.min(tile.ix1 * scale, hasRight ? cx1 + H : cx1)
  const wy0 = Math.max(tile.iy0 * scale, hasTop ? cy0 - H : cy0)
  const wy1 = Math.min(tile.iy1 * scale, hasBottom ? cy1 + H : cy1)
  const ox = tile.ix0 * scale
  const oy = tile.iy0 * scale
  const plane = result.width * result.height
  const order = spec.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2]
  const k = 255 / (spec.outHi - spec.outLo)
  const wxLo = new Float32Array(wx1 - wx0)
  const wxHi = new Float32Array(wx1 - wx0)
  for (let x = wx0; x < wx1; x++) {
    const w = rampWeights(x, cx0, cx1, H, hasLeft, hasRight)
    wxLo[x - wx0] = w.lo
    wxHi[x - wx0] = w.hi
  }
  for (let y = wy0; y < wy1; y++) {
    const wy = rampWeights(y, cy0, cy1, H, hasTop, hasBottom)
    const wRow = wy.lo * wy.hi
    const above = 1 - wy.lo
    const srcRow = (y - oy) * result.width - ox
    let di = (y * out.width + wx0) * 3
    for (let x = wx0; x < wx1; x++, di += 3) {
      const left = wxLo[x - wx0]
      const own = wRow * left * wxHi[x - wx0]
      if (own <= 0) continue
      const written = above + wy.lo * wy.hi * (1 - left)
      const f = own / (own + written)
      const si = srcRow + x
      for (let c = 0; c < 3; c++) {
        let v = (result.data[order[c] * plane + si] - spec.outLo) * k
        v = v < 0 ? 0 : v > 255 ? 255 : v
        const prev = out.data[di + c]
        out.data[di + c] = Math.round(f >= 1 ? v : prev + (v - prev) * f)
      }
    }
  }
}
