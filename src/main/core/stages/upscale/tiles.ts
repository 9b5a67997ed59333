/**
 * Tile plan for the background upscaler: the image is cut into a grid of cores (a partition), each core is run with
 * `overlap` pixels of context on every side, and neighbouring outputs are cross-faded over a band of `overlap`
 * pixels centred on the core boundary, so every tile keeps at least overlap/2 pixels of context past where it
 * still contributes.
 */
export interface Tile {
  row: number
  col: number
  /** Core rectangle in input pixels, [x0, x1) x [y0, y1). */
  x0: number
  y0: number
  x1: number
  y1: number
  /** Rectangle the model sees (core + context, clamped to the image). */
  ix0: number
  iy0: number
  ix1: number
  iy1: number
}

export interface TilePlan {
  tiles: Tile[]
  cols: number
  rows: number
  /** Core boundaries along x (cols + 1 values) and y (rows + 1 values). */
  xs: number[]
  ys: number[]
}

function cuts(length: number, tile: number): number[] {
  const n = Math.max(1, Math.ceil(length / tile))
  const out: number[] = []
  for (let i = 0; i <= n; i++) out.push(Math.round((i * length) / n))
  return out
}

export function planTiles(width: number, height: number, tile: number, overlap: number): TilePlan {
  const xs = cuts(width, tile)
  const ys = cuts(height, tile)
  const tiles: Tile[] = []
  for (let row = 0; row < ys.length - 1; row++) {
    for (let col = 0; col < xs.length - 1; col++) {
      const x0 = xs[col]
      const x1 = xs[col + 1]
      const y0 = ys[row]
      const y1 = ys[row + 1]
      tiles.push({
        row,
        col,
        x0,
        y0,
        x1,
        y1,
        ix0: Math.max(0, x0 - overlap),
        iy0: Math.max(0, y0 - overlap),
        ix1: Math.min(width, x1 + overlap),
        iy1: Math.min(height, y1 + overlap)
      })
    }
  }
  return { tiles, cols: xs.length - 1, rows: ys.length - 1, xs, ys }
}

/**
 * Cross-fade weights of a core [lo, hi) at output coordinate `p` (pixel centre p + 0.5), with a band of half-width
 * `half` around each boundary that has a neighbour. `lo`/`hi` are the ramps at the low/high side (1 away from a band);
 * a tile's weight along this axis is lo * hi, and neighbouring weights sum to exactly 1 across a shared boundary.
 */
export function rampWeights(
  p: number,
  lo: number,
  hi: number,
  half: number,
  hasLo: boolean,
  hasHi: boolean
): {
  lo: number
  hi: number
} {
  const c = p + 0.5
  let wLo = 1
  let wHi = 1
  if (half > 0) {
    if (hasLo) wLo = Math.min(1, Math.max(0, (c - (lo - half)) / (2 * half)))
    if (hasHi) wHi = Math.min(1, Math.max(0, (hi + half - c) / (2 * half)))
  } else {
    if (hasLo && c < lo) wLo = 0
    if (hasHi && c >= hi) wHi = 0
  }
  return { lo: wLo, hi: wHi }
}
