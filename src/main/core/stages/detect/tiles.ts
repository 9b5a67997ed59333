import type { BoxXYWH } from '../../../../shared/faces'

/** Tiles of at most `tile` px covering the image, neighbours overlapping by at least `overlap` px. */
export function planTiles(width: number, height: number, tile: number, overlap: number): BoxXYWH[] {
  const axis = (len: number): [number, number][] => {
    if (len <= tile) return [[0, len]]
    const step = Math.max(1, tile - overlap)
    const count = Math.ceil((len - tile) / step) + 1
    // Spread the tiles evenly so the last one ends exactly at the edge.
    const spacing = (len - tile) / (count - 1)
    const spans: [number, number][] = []
    for (let i = 0; i < count; i++) spans.push([Math.round(i * spacing), tile])
    return spans
  }
  const out: BoxXYWH[] = []
  for (const [y, th] of axis(height)) for (const [x, tw] of axis(width)) out.push([x, y, tw, th])
  return out
}

/**
 * True when a detection touches an inner edge of its tile (within `margin` px): it is probably a cut-off face that the
 * overlapping neighbour tile sees whole.
 */
export function touchesInnerEdge(box: BoxXYWH, tile: BoxXYWH, imgW: number, imgH: number, margin: number): boolean {
  const [tx, ty, tw, th] = tile
  if (tx > 0 && box[0] < tx + margin) return true
  if (ty > 0 && box[1] < ty + margin) return true
  if (tx + tw < imgW && box[0] + box[2] > tx + tw - margin) return true
  if (ty + th < imgH && box[1] + box[3] > ty + th - margin) return true
  return false
}
