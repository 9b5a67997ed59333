import { describe, expect, it } from 'vitest'
import {
  clampScale,
  fitViewport,
  imagePoint,
  MAX_SCALE,
  stagePoint,
  toImage,
  toStage,
  wheelZoomFactor,
  zoomAt
} from '../../src/renderer/src/canvas/viewport'

describe('canvas viewport geometry', () => {
  it('fits and centres an image with a margin', () => {
    const v = fitViewport(1000, 500, 816, 616, 8)
    expect(v.scale).toBeCloseTo(0.8)
    expect(v.x).toBeCloseTo(8)
    expect(v.y).toBeCloseTo((616 - 400) / 2)
  })

  it('maps stage <-> image both ways', () => {
    const v = { scale: 2, x: 10, y: -4 }
    const p = toStage(v, imagePoint(3, 5))
    expect(p).toEqual({ x: 16, y: 6 })
    expect(toImage(v, p)).toEqual({ x: 3, y: 5 })
  })

  it('zooms about the pointer: the image point under it stays put', () => {
    const v = { scale: 0.5, x: 20, y: 30 }
    const anchor = stagePoint(200, 150)
    const before = toImage(v, anchor)
    const z = zoomAt(v, anchor, 1.7)
    expect(z.scale).toBeCloseTo(0.85)
    const after = toImage(z, anchor)
    expect(after.x).toBeCloseTo(before.x)
    expect(after.y).toBeCloseTo(before.y)
  })

  it('clamps the scale and maps wheel direction', () => {
    expect(clampScale(1e6)).toBe(MAX_SCALE)
    expect(wheelZoomFactor(-100)).toBeGreaterThan(1)
    expect(wheelZoomFactor(100)).toBeLessThan(1)
  })
})
