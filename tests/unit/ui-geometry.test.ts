import { describe, expect, it } from 'vitest'
import {
  clampRectKeepAspect,
  CROP_PRESETS,
  fitAspect,
  initialCrop,
  snapToFace
} from '../../src/renderer/src/canvas/crop-geometry'
import { afterClip, dividerStageX, fractionAtStageX } from '../../src/renderer/src/canvas/split'
import {
  actualSize,
  faceAt,
  imagePoint,
  pinchViewport,
  rectFromDrag,
  stagePoint,
  toImage,
  toStage,
  zoomToRect
} from '../../src/renderer/src/canvas/viewport'

describe('viewport helpers', () => {
  it('100 % keeps the point under the anchor fixed (to within the half pixel that whole-pixel snapping moves it)', () => {
    const v = { scale: 0.37, x: 12, y: -40 }
    const anchor = stagePoint(300, 200)
    const before = toImage(v, anchor)
    const w = actualSize(v, anchor)
    expect(w.scale).toBe(1)
    const after = toImage(w, anchor)
    // Snapped so each image pixel lands on one screen pixel: the anchor moves by less than half a pixel.
    expect(Math.abs(after.x - before.x)).toBeLessThanOrEqual(0.5)
    expect(Math.abs(after.y - before.y)).toBeLessThanOrEqual(0.5)
    expect(Number.isInteger(w.x) && Number.isInteger(w.y)).toBe(true)
  })

  it('zoomToRect centres the rectangle and fills the requested share', () => {
    const v = zoomToRect([100, 50, 80, 100], 800, 600, 0.5)
    expect(v.scale).toBeCloseTo(3, 9)
    const c = toStage(v, imagePoint(140, 100))
    expect(c.x).toBeCloseTo(400, 9)
    expect(c.y).toBeCloseTo(300, 9)
  })

  it('pinch zooms about the previous centre and follows the fingers', () => {
    const v = { scale: 1, x: 0, y: 0 }
    const p = pinchViewport(v, { centre: stagePoint(100, 100), dist: 100 }, { centre: stagePoint(110, 90), dist: 200 })
    expect(p.scale).toBeCloseTo(2, 9)
    // The image point that was under the old centre is now under the new centre.
    const under = toImage(p, stagePoint(110, 90))
    expect(under.x).toBeCloseTo(100, 9)
    expect(under.y).toBeCloseTo(100, 9)
    expect(pinchViewport(v, { centre: stagePoint(0, 0), dist: 0 }, { centre: stagePoint(5, 5), dist: 10 })).toBe(v)
  })

  it('rectFromDrag normalises corners and clips to the image', () => {
    expect(rectFromDrag(imagePoint(50, 40), imagePoint(-10, 10), 100, 100)).toEqual([0, 10, 50, 30])
    expect(rectFromDrag(imagePoint(90, 90), imagePoint(130, 120), 100, 100)).toEqual([90, 90, 10, 10])
  })

  it('faceAt returns the topmost box under the point', () => {
    const boxes = [
      [0, 0, 50, 50],
      [25, 25, 50, 50]
    ] as const
    expect(faceAt(boxes, imagePoint(30, 30))).toBe(1)
    expect(faceAt(boxes, imagePoint(10, 10))).toBe(0)
    expect(faceAt(boxes, imagePoint(90, 10))).toBe(-1)
  })
})

describe('crop geometry', () => {
  it('fitAspect gives the largest centred rectangle of the ratio inside the rect', () => {
    const r = fitAspect([0, 0, 400, 200], 1, 400, 200)
    expect(r).toEqual([100, 0, 200, 200])
    const p = fitAspect([0, 0, 400, 200], CROP_PRESETS.passport, 400, 200)
    expect(p[2] / p[3]).toBeCloseTo(35 / 45, 9)
    expect(p[3]).toBeCloseTo(200, 9)
  })

  it('free crop is only clipped to the image', () => {
    expect(fitAspect([-10, -10, 50, 50], null, 100, 100)).toEqual([0, 0, 40, 40])
  })

  it('snapToFace centres on the face, keeps the ratio and stays inside the image', () => {
    const r = snapToFace([150, 60, 80, 100], 1, 400, 256)
    expect(r[2]).toBeCloseTo(r[3], 9)
    expect(r[0]).toBeGreaterThanOrEqual(0)
    expect(r[1]).toBeGreaterThanOrEqual(0)
    expect(r[0] + r[2]).toBeLessThanOrEqual(400 + 1e-9)
    expect(r[1] + r[3]).toBeLessThanOrEqual(256 + 1e-9)
    // The face is inside the crop.
    expect(r[0]).toBeLessThanOrEqual(150)
    expect(r[0] + r[2]).toBeGreaterThanOrEqual(230)
  })

  it('clampRectKeepAspect shrinks about the centre, then shifts inside', () => {
    const r = clampRectKeepAspect([-50, 0, 300, 150], 200, 200)
    expect(r[2] / r[3]).toBeCloseTo(2, 9)
    expect(r[0]).toBeGreaterThanOrEqual(0)
    expect(r[0] + r[2]).toBeLessThanOrEqual(200 + 1e-9)
  })

  it('initialCrop honours the preset', () => {
    const r = initialCrop(CROP_PRESETS['4:5'], 1000, 1000)
    expect(r[2] / r[3]).toBeCloseTo(0.8, 9)
  })
})

describe('split divider', () => {
  it('lives in image space: its stage x follows zoom and pan', () => {
    const v = { scale: 2, x: 30, y: 0 }
    expect(dividerStageX(v, 400, 0.5)).toBe(430)
    expect(fractionAtStageX(v, 400, 430)).toBeCloseTo(0.5, 9)
    expect(fractionAtStageX(v, 400, -1000)).toBe(0)
    expect(fractionAtStageX(v, 400, 5000)).toBe(1)
  })

  it('clips the after image to the right of the divider', () => {
    expect(afterClip(400, 256, 0.25)).toEqual({ x: 100, y: 0, width: 300, height: 256 })
  })
})
