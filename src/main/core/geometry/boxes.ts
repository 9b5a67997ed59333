import type { BoxXYWH, Point } from './types'

export function iou(a: BoxXYWH, b: BoxXYWH): number {
  const x1 = Math.max(a[0], b[0])
  const y1 = Math.max(a[1], b[1])
  const x2 = Math.min(a[0] + a[2], b[0] + b[2])
  const y2 = Math.min(a[1] + a[3], b[1] + b[3])
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1)
  const union = Math.max(0, a[2]) * Math.max(0, a[3]) + Math.max(0, b[2]) * Math.max(0, b[3]) - inter
  return union > 0 ? inter / union : 0
}

/** Greedy non-maximum suppression; returns the kept items sorted by descending score. */
export function nms<T extends { box: BoxXYWH; score: number }>(items: T[], iouThreshold: number): T[] {
  const sorted = [...items].sort((p, q) => q.score - p.score)
  const kept: T[] = []
  for (const item of sorted) {
    if (kept.every((k) => iou(k.box, item.box) <= iouThreshold)) kept.push(item)
  }
  return kept
}

export function boxOfPoints(pts: readonly Point[]): BoxXYWH {
  if (pts.length === 0) return [0, 0, 0, 0]
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  for (const [x, y] of pts) {
    if (x < x0) x0 = x
    if (y < y0) y0 = y
    if (x > x1) x1 = x
    if (y > y1) y1 = y
  }
  return [x0, y0, x1 - x0, y1 - y0]
}

/** Intersection of the box with the image rectangle [0, width] x [0, height] (empty boxes get zero size). */
export function clampBox(box: BoxXYWH, width: number, height: number): BoxXYWH {
  const x0 = Math.min(Math.max(box[0], 0), width)
  const y0 = Math.min(Math.max(box[1], 0), height)
  const x1 = Math.min(Math.max(box[0] + box[2], 0), width)
  const y1 = Math.min(Math.max(box[1] + box[3], 0), height)
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)]
}

/** Grows the box on every side by `margin` times its own width (left/right) and height (top/bottom). */
export function expandBox(box: BoxXYWH, margin: number): BoxXYWH {
  const mx = box[2] * margin
  const my = box[3] * margin
  return [box[0] - mx, box[1] - my, box[2] + 2 * mx, box[3] + 2 * my]
}
