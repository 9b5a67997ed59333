import type { ImageRect } from './viewport'

/** Width:height of the crop presets; passport is the 35 x 45 mm ICAO photo. `free` has no fixed ratio. */
export const CROP_PRESETS = { free: null, '1:1': 1, '4:5': 4 / 5, '3:4': 3 / 4, passport: 35 / 45 } as const
export type CropPreset = keyof typeof CROP_PRESETS

/**
 * The largest rectangle of `aspect` centred on `rect`'s centre that fits inside it (used when a preset is picked),
 * then clipped to the image.
 */
export function fitAspect(rect: ImageRect, aspect: number | null, imageW: number, imageH: number): ImageRect {
  if (aspect === null) return clampRect(rect, imageW, imageH)
  let w = rect[2]
  let h = rect[3]
  if (w / h > aspect) w = h * aspect
  else h = w / aspect
  const cx = rect[0] + rect[2] / 2
  const cy = rect[1] + rect[3] / 2
  return clampRectKeepAspect([cx - w / 2, cy - h / 2, w, h], imageW, imageH)
}

/**
 * Crop around a face: the face box grown by `margin` of its size on each side, widened or heightened to the aspect,
 * centred on the face, then fitted inside the image keeping the aspect.
 */
export function snapToFace(
  face: ImageRect,
  aspect: number | null,
  imageW: number,
  imageH: number,
  margin = 0.6
): ImageRect {
  let w = face[2] * (1 + 2 * margin)
  let h = face[3] * (1 + 2 * margin)
  if (aspect !== null) {
    if (w / h < aspect) w = h * aspect
    else h = w / aspect
  }
  const cx = face[0] + face[2] / 2
  const cy = face[1] + face[3] / 2
  return clampRectKeepAspect([cx - w / 2, cy - h / 2, w, h], imageW, imageH)
}

function clampRect(r: ImageRect, W: number, H: number): ImageRect {
  const x0 = Math.max(0, r[0])
  const y0 = Math.max(0, r[1])
  const x1 = Math.min(W, r[0] + r[2])
  const y1 = Math.min(H, r[1] + r[3])
  return [x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)]
}

/** Shrinks (about the centre) until it fits, then shifts inside the image: the aspect survives the clamp. */
export function clampRectKeepAspect(r: ImageRect, W: number, H: number): ImageRect {
  let [, , w, h] = r
  const k = Math.min(1, W / w, H / h)
  w *= k
  h *= k
  const cx = r[0] + r[2] / 2
  const cy = r[1] + r[3] / 2
  const x = Math.min(Math.max(0, cx - w / 2), W - w)
  const y = Math.min(Math.max(0, cy - h / 2), H - h)
  return [x, y, w, h]
}

/** Whole image as the initial crop, fitted to the preset. */
export function initialCrop(aspect: number | null, imageW: number, imageH: number): ImageRect {
  const inset = 0.05
  return fitAspect(
    [imageW * inset, imageH * inset, imageW * (1 - 2 * inset), imageH * (1 - 2 * inset)],
    aspect,
    imageW,
    imageH
  )
}
