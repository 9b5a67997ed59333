import type { BoxXYWH, Landmarks5, Point } from '../../../../shared/faces'
import type { RawDetection } from './types'

/** How an image is fitted into a detector input: scaled by `scale`, placed top-left, padded right/bottom. */
export interface Letterbox {
  scale: number
  /** Size of the scaled image inside the input. */
  width: number
  height: number
  /** Input tensor size (>= width/height). */
  inputWidth: number
  inputHeight: number
}

/**
 * Fits an image into a fixed W x H input keeping the aspect ratio (scale may exceed 1 for small images: detectors
 * find small faces better when upsampled to their training size).
 */
export function letterboxFixed(imgW: number, imgH: number, inputW: number, inputH: number): Letterbox {
  const scale = Math.min(inputW / imgW, inputH / imgH)
  const width = Math.max(1, Math.min(inputW, Math.round(imgW * scale)))
  const height = Math.max(1, Math.min(inputH, Math.round(imgH * scale)))
  return { scale, width, height, inputWidth: inputW, inputHeight: inputH }
}

/** Dynamic-input models: keep the size, pad up to the next multiple of `multiple` (YuNet: 32). */
export function letterboxDynamic(imgW: number, imgH: number, multiple: number): Letterbox {
  const pad = (v: number): number => Math.max(multiple, Math.ceil(v / multiple) * multiple)
  return { scale: 1, width: imgW, height: imgH, inputWidth: pad(imgW), inputHeight: pad(imgH) }
}

/** Size of the downscaled copy the first pass runs on: long side at most `maxSide`, never upscaled. */
export function downscaleSize(
  imgW: number,
  imgH: number,
  maxSide: number
): { width: number; height: number; scale: number } {
  const long = Math.max(imgW, imgH)
  if (long <= maxSide) return { width: imgW, height: imgH, scale: 1 }
  const scale = maxSide / long
  return { width: Math.max(1, Math.round(imgW * scale)), height: Math.max(1, Math.round(imgH * scale)), scale }
}

/** Maps a detection from a frame scaled by (sx, sy) and offset by (ox, oy) back: p = q / s + o. */
export function unscaleDetection(d: RawDetection, sx: number, sy: number, ox = 0, oy = 0): RawDetection {
  const box: BoxXYWH = [d.box[0] / sx + ox, d.box[1] / sy + oy, d.box[2] / sx, d.box[3] / sy]
  const out: RawDetection = { box, score: d.score }
  if (d.landmarks) {
    out.landmarks = d.landmarks.map((p): Point => [p[0] / sx + ox, p[1] / sy + oy]) as Landmarks5
  }
  return out
}
