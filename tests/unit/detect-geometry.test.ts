import { describe, expect, it } from 'vitest'
import type { Point } from '../../src/shared/faces'
import type { Face } from '../../src/shared/faces'
import {
  downscaleSize,
  letterboxDynamic,
  letterboxFixed,
  unscaleDetection
} from '../../src/main/core/stages/detect/letterbox'
import { packTensor } from '../../src/main/core/stages/detect/pack'
import { rotatePoint, rotateRgb, unrotateBox, unrotatePoint } from '../../src/main/core/stages/detect/rotation'
import { planTiles, touchesInnerEdge } from '../../src/main/core/stages/detect/tiles'
import { selectFaces } from '../../src/main/core/stages/detect/select'
import { cropRgb } from '../../src/main/core/stages/detect/crop-rgb'
import { faceMeshCropAffine } from '../../src/main/core/stages/detect/facemesh'
import { applyAffine } from '../../src/main/core/geometry/affine'
import type { RgbImage } from '../../src/main/core/image/types'

function gradient(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x, y, (x * 7 + y * 3) & 255], (y * w + x) * 3)
  return { width: w, height: h, data }
}
const px = (img: RgbImage, x: number, y: number): number[] =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3))

describe('letterbox math', () => {
  it('fits a fixed input keeping the aspect ratio and pads right/bottom', () => {
    expect(letterboxFixed(1280, 865, 640, 640)).toEqual({
      scale: 0.5,
      width: 640,
      height: 433,
      inputWidth: 640,
      inputHeight: 640
    })
    expect(letterboxFixed(200, 100, 640, 640).scale).toBeCloseTo(3.2)
  })
  it('pads dynamic inputs to multiples of 32', () => {
    expect(letterboxDynamic(865, 1280, 32)).toEqual({
      scale: 1,
      width: 865,
      height: 1280,
      inputWidth: 896,
      inputHeight: 1280
    })
    expect(letterboxDynamic(5, 5, 32).inputWidth).toBe(32)
  })
  it('downscales only above maxSide', () => {
    expect(downscaleSize(1297, 1920, 1280)).toEqual({ width: 865, height: 1280, scale: 1280 / 1920 })
    expect(downscaleSize(400, 256, 1280).scale).toBe(1)
  })
  it('maps detections back through scale and offset', () => {
    const d = unscaleDetection(
      {
        box: [10, 20, 30, 40],
        score: 0.9,
        landmarks: [
          [10, 20],
          [20, 20],
          [15, 30],
          [12, 40],
          [18, 40]
        ]
      },
      0.5,
      0.25,
      100,
      7
    )
    expect(d.box).toEqual([120, 87, 60, 160])
    expect(d.landmarks![2]).toEqual([130, 127])
  })
})

describe('packTensor', () => {
  it('writes BGR planes with mean/scale and zero padding', () => {
    const img: RgbImage = { width: 2, height: 1, data: Uint8Array.from([10, 20, 30, 40, 50, 60]) }
    const t = packTensor(img, 4, 2, { channels: 'BGR', mean: [0, 0, 0], scale: 1 })
    // plane 0 = B
    expect(Array.from(t.subarray(0, 8))).toEqual([30, 60, 0, 0, 0, 0, 0, 0])
    expect(Array.from(t.subarray(8, 10))).toEqual([20, 50])
    expect(Array.from(t.subarray(16, 18))).toEqual([10, 40])
    const r = packTensor(img, 2, 1, { channels: 'RGB', mean: [127.5, 127.5, 127.5], scale: 1 / 128 })
    expect(r[0]).toBeCloseTo((10 - 127.5) / 128)
    const n = packTensor(img, 2, 1, { channels: 'BGR', mean: [1, 2, 3], scale: 1, layout: 'NHWC' })
    expect(Array.from(n)).toEqual([29, 18, 7, 59, 48, 37])
  })
})

describe('rotation', () => {
  const img = gradient(5, 3)
  it.each([90, 180, 270] as const)('turns pixels clockwise by %i and maps points both ways', (r) => {
    const turned = rotateRgb(img, r)
    expect([turned.width, turned.height]).toEqual(r === 180 ? [5, 3] : [3, 5])
    for (const [x, y] of [
      [0, 0],
      [4, 2],
      [1, 2]
    ] as Point[]) {
      // pixel centres map to pixel centres
      const [u, v] = rotatePoint([x + 0.5, y + 0.5], r, 5, 3)
      expect(px(turned, Math.floor(u), Math.floor(v))).toEqual(px(img, x, y))
      expect(unrotatePoint([u, v], r, 5, 3)).toEqual([x + 0.5, y + 0.5])
    }
  })
  it('turns 90 clockwise: the top-left corner goes top-right', () => {
    const turned = rotateRgb(img, 90)
    expect(px(turned, 2, 0)).toEqual(px(img, 0, 0))
    expect(unrotateBox([0, 0, 1, 2], 90, 5, 3)).toEqual([0, 2, 2, 1])
  })
})

describe('tiles', () => {
  it('covers the image with overlapping tiles that end at the edges', () => {
    const tiles = planTiles(2000, 900, 960, 240)
    expect(tiles.length).toBe(3)
    expect(tiles[0]).toEqual([0, 0, 960, 900])
    expect(tiles[2][0] + tiles[2][2]).toBe(2000)
    for (let i = 1; i < tiles.length; i++) expect(tiles[i - 1][0] + 960 - tiles[i][0]).toBeGreaterThanOrEqual(240)
    expect(planTiles(500, 400, 960, 240)).toEqual([[0, 0, 500, 400]])
  })
  it('flags detections cut by an inner tile edge but not by the image edge', () => {
    expect(touchesInnerEdge([950, 10, 30, 30], [0, 0, 960, 960], 2000, 960, 2)).toBe(true)
    expect(touchesInnerEdge([0, 10, 30, 30], [0, 0, 960, 960], 2000, 960, 2)).toBe(false)
  })
  it('crops rows exactly', () => {
    const c = cropRgb(gradient(10, 10), [3, 4, 2, 2])
    expect(px(c, 1, 1)).toEqual([4, 5, (4 * 7 + 5 * 3) & 255])
  })
})

describe('selectFaces', () => {
  const face = (x: number, w: number, eye: number): Face => ({
    box: [x, 100, w, w],
    score: 0.9,
    landmarks: [
      [x, 110],
      [x + eye, 110],
      [x + eye / 2, 120],
      [x, 130],
      [x + eye, 130]
    ]
  })
  const faces = [face(500, 50, 20), face(100, 120, 40), face(300, 60, 6)]
  it('sorts left to right and applies minEyeDistance', () => {
    expect(selectFaces(faces, { width: 640, height: 400 }).map((f) => f.box[0])).toEqual([100, 300, 500])
    expect(selectFaces(faces, { width: 640, height: 400, minEyeDistance: 10 }).map((f) => f.box[0])).toEqual([100, 500])
  })
  it('keeps only the largest or the most central face', () => {
    expect(selectFaces(faces, { width: 640, height: 400, select: 'largest' }).map((f) => f.box[0])).toEqual([100])
    expect(selectFaces(faces, { width: 640, height: 400, select: 'center' }).map((f) => f.box[0])).toEqual([300])
  })
})

describe('faceMeshCropAffine', () => {
  it('centres the box in the 192 crop and turns it upright', () => {
    const m = faceMeshCropAffine([100, 50, 40, 60], 0)
    expect(applyAffine(m, [120, 80])).toEqual([96, 96].map((v) => expect.closeTo(v, 9)))
    // box side 60 * 1.5 = 90 px -> 192 px
    expect(applyAffine(m, [120 + 45, 80])[0]).toBeCloseTo(192, 9)
    // a face turned so it is upright after a 90 cw turn: image point right of centre goes below centre
    const r = faceMeshCropAffine([100, 50, 40, 60], 90)
    const p = applyAffine(r, [120, 80 - 10])
    expect(p[0]).toBeGreaterThan(96)
    expect(p[1]).toBeCloseTo(96, 9)
  })
})
