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
