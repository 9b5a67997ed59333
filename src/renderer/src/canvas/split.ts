import type { Viewport } from './viewport'

/**
 * The split divider lives in image space (a fraction of the image width), so it stays on the same part of the photo
 * while zooming and panning. These helpers convert it for drawing and dragging.
 */
export function dividerStageX(v: Viewport, imageW: number, fraction: number): number {
  return v.x + fraction * imageW * v.scale
}

/** Fraction (0..1) of the image width under a stage x, clamped. */
export function fractionAtStageX(v: Viewport, imageW: number, stageX: number): number {
  const f = (stageX - v.x) / v.scale / imageW
  return Math.min(1, Math.max(0, f))
}

/** Image-space clip of the "after" image: everything right of the divider. */
export function afterClip(
  imageW: number,
  imageH: number,
  fraction: number
): { x: number; y: number; width: number; height: number } {
  const x = fraction * imageW
  return { x, y: 0, width: imageW - x, height: imageH }
}

/** Stage x range where the image is visible: [left, right], clipped to the stage. */
export function visibleImageSpan(v: Viewport, imageW: number, stageW: number): [number, number] {
  return [Math.max(0, v.x), Math.min(stageW, v.x + imageW * v.scale)]
}
