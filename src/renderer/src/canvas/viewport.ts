/** Stage (screen) pixels vs image pixels: branded so the two spaces cannot be mixed by accident. */
export type StagePoint = { readonly x: number; readonly y: number; readonly __space: 'stage' }
export type ImagePoint = { readonly x: number; readonly y: number; readonly __space: 'image' }

export const stagePoint = (x: number, y: number): StagePoint => ({ x, y }) as StagePoint
export const imagePoint = (x: number, y: number): ImagePoint => ({ x, y }) as ImagePoint

/** image -> stage: stage = image * scale + offset. */
export interface Viewport {
  scale: number
  x: number
  y: number
}

export const MIN_SCALE = 0.02
export const MAX_SCALE = 32

export const clampScale = (s: number): number => Math.min(MAX_SCALE, Math.max(MIN_SCALE, s))

export function toStage(v: Viewport, p: ImagePoint): StagePoint {
  return stagePoint(p.x * v.scale + v.x, p.y * v.scale + v.y)
}

export function toImage(v: Viewport, p: StagePoint): ImagePoint {
  return imagePoint((p.x - v.x) / v.scale, (p.y - v.y) / v.scale)
}

/** Fits an image inside the stage with a margin, centred. */
export function fitViewport(imageW: number, imageH: number, stageW: number, stageH: number, margin = 16): Viewport {
  const scale = clampScale(Math.min((stageW - 2 * margin) / imageW, (stageH - 2 * margin) / imageH))
  return { scale, x: (stageW - imageW * scale) / 2, y: (stageH - imageH * scale) / 2 }
}

/** Zooms by `factor` keeping the image point under `anchor` fixed on screen. */
export function zoomAt(v: Viewport, anchor: StagePoint, factor: number): Viewport {
  const scale = clampScale(v.scale * factor)
  const under = toImage(v, anchor)
  return { scale, x: anchor.x - under.x * scale, y: anchor.y - under.y * scale }
}

/** Wheel delta -> zoom factor (smooth for trackpads, one notch = ~10 %). */
export const wheelZoomFactor = (deltaY: number): number => Math.exp(-deltaY * 0.001)

/** Image-pixel rectangle [x, y, w, h]. */
export type ImageRect = readonly [number, number, number, number]

/**
 * 100 % = one image pixel per stage pixel, keeping the image point under `anchor` fixed (to the nearest whole pixel,
 * so every photo pixel lands on one screen pixel instead of being blended across two).
 */
export function actualSize(v: Viewport, anchor: StagePoint): Viewport {
  const z = zoomAt(v, anchor, 1 / v.scale)
  return { scale: z.scale, x: Math.round(z.x), y: Math.round(z.y) }
}

/** Viewport that shows `rect` (e.g. a face) filling `fill` of the stage, centred. */
export function zoomToRect(rect: ImageRect, stageW: number, stageH: number, fill = 0.6): Viewport {
  const scale = clampScale(Math.min((stageW * fill) / rect[2], (stageH * fill) / rect[3]))
  const cx = rect[0] + rect[2] / 2
  const cy = rect[1] + rect[3] / 2
  return { scale, x: stageW / 2 - cx * scale, y: stageH / 2 - cy * scale }
}

/** Pinch: new viewport from the previous two-finger distance/centre and the current ones (zoom + pan together). */
export function pinchViewport(
  v: Viewport,
  prev: { centre: StagePoint; dist: number },
  next: { centre: StagePoint; dist: number }
): Viewport {
  if (prev.dist <= 0) return v
  const zoomed = zoomAt(v, prev.centre, next.dist / prev.dist)
  return { ...zoomed, x: zoomed.x + next.centre.x - prev.centre.x, y: zoomed.y + next.centre.y - prev.centre.y }
}

/** Normalised rectangle from two image-space drag corners, clipped to the image. */
export function rectFromDrag(a: ImagePoint, b: ImagePoint, imageW: number, imageH: number): ImageRect {
  const x0 = Math.max(0, Math.min(a.x, b.x))
  const y0 = Math.max(0, Math.min(a.y, b.y))
  const x1 = Math.min(imageW, Math.max(a.x, b.x))
  const y1 = Math.min(imageH, Math.max(a.y, b.y))
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)]
}

/** Index of the topmost face box containing the image point, or -1. */
export function faceAt(boxes: readonly ImageRect[], p: ImagePoint): number {
  for (let i = boxes.length - 1; i >= 0; i--) {
    const [x, y, w, h] = boxes[i]
    if (p.x >= x && p.x <= x + w && p.y >= y && p.y <= y + h) return i
  }
  return -1
}
