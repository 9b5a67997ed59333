import type { BoxXYWH, Landmarks5, Point } from '../../../../shared/faces'
import type { RgbImage } from '../../image/types'
import type { RawDetection, Rotation } from './types'

/** Turns an image clockwise by 90/180/270 degrees (a lossless index shuffle; sharp would need an encode round trip). */
export function rotateRgb(img: RgbImage, rotation: Rotation): RgbImage {
  if (rotation === 0) return img
  const { width: w, height: h, data } = img
  const outW = rotation === 180 ? w : h
  const outH = rotation === 180 ? h : w
  const out = new Uint8Array(data.length)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let u: number
      let v: number
      if (rotation === 90) {
        u = h - 1 - y
        v = x
      } else if (rotation === 180) {
        u = w - 1 - x
        v = h - 1 - y
      } else {
        u = y
        v = w - 1 - x
      }
      const si = (y * w + x) * 3
      const di = (v * outW + u) * 3
      out[di] = data[si]
      out[di + 1] = data[si + 1]
      out[di + 2] = data[si + 2]
    }
  }
  return { width: outW, height: outH, data: out }
}

/**
 * Maps a point from the frame of an image turned clockwise by `rotation` back to the unturned w x h image
 * (continuous pixel coordinates: corners map to corners).
 */
export function unrotatePoint(p: Point, rotation: Rotation, w: number, h: number): Point {
  const [u, v] = p
  if (rotation === 90) return [v, h - u]
  if (rotation === 180) return [w - u, h - v]
  if (rotation === 270) return [w - v, u]
  return [u, v]
}

/** Forward mapping (unturned -> turned), the inverse of unrotatePoint. */
export function rotatePoint(p: Point, rotation: Rotation, w: number, h: number): Point {
  const [x, y] = p
  if (rotation === 90) return [h - y, x]
  if (rotation === 180) return [w - x, h - y]
  if (rotation === 270) return [y, w - x]
  return [x, y]
}

export function unrotateBox(box: BoxXYWH, rotation: Rotation, w: number, h: number): BoxXYWH {
  const a = unrotatePoint([box[0], box[1]], rotation, w, h)
  const b = unrotatePoint([box[0] + box[2], box[1] + box[3]], rotation, w, h)
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1])]
}

/** Detection found in the turned image -> input image frame (landmark order is kept: it is anatomical). */
export function unrotateDetection(d: RawDetection, rotation: Rotation, w: number, h: number): RawDetection {
  if (rotation === 0) return d
  const out: RawDetection = { box: unrotateBox(d.box, rotation, w, h), score: d.score }
  if (d.landmarks) out.landmarks = d.landmarks.map((p) => unrotatePoint(p, rotation, w, h)) as Landmarks5
  return out
}
