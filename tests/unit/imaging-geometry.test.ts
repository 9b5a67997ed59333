import { describe, expect, it } from 'vitest'
import type { Landmarks5 } from '../../src/shared/faces'
import {
  applyAffine,
  composeAffine,
  invertAffine,
  scaleAffineOutput,
  translateAffineOutput
} from '../../src/main/core/geometry/affine'
import { boxOfPoints, clampBox, expandBox, iou, nms } from '../../src/main/core/geometry/boxes'
import { estimateSimilarity, estimateSimilarityRobust } from '../../src/main/core/geometry/similarity'
import { alignAffine, ffhqQuad, templatePoints } from '../../src/main/core/geometry/templates'
import type { Affine, BoxXYWH, Point } from '../../src/main/core/geometry/types'
import { HeirloomError } from '../../src/main/core/errors'

function similarity(scale: number, angle: number, tx: number, ty: number): Affine {
  const a = scale * Math.cos(angle)
  const b = scale * Math.sin(angle)
  return [a, -b, tx, b, a, ty]
}

const pts: Point[] = [
  [10, 20],
  [50, 18],
  [31, 44],
  [15, 60],
  [48, 62]
]

function close(a: readonly number[], b: readonly number[], eps = 1e-9): void {
  expect(a.length).toBe(b.length)
  a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(eps))
}

describe('similarity fit', () => {
  it('recovers a known transform exactly', () => {
    const m = similarity(2.5, 0.3, 17, -4)
    const dst = pts.map((p) => applyAffine(m, p))
    close(estimateSimilarity(pts, dst), m)
    close(estimateSimilarityRobust(pts, dst), m)
  })

  it('robust fit ignores one bad landmark; least squares does not', () => {
    const m = similarity(1.5, -0.2, 3, 9)
    const dst = pts.map((p) => applyAffine(m, p))
    dst[2] = [dst[2][0] + 25, dst[2][1] - 10]
    close(estimateSimilarityRobust(pts, dst), m, 1e-6)
    expect(Math.abs(estimateSimilarity(pts, dst)[2] - m[2])).toBeGreaterThan(0.5)
  })

  it('refuses degenerate landmarks', () => {
    const same: Point[] = [
      [1, 1],
      [1, 1],
      [1, 1]
    ]
    expect(() => estimateSimilarity(same, pts.slice(0, 3))).toThrow(HeirloomError)
  })
})

describe('affine algebra', () => {
  const m = similarity(3, 1.1, -40, 12)
  it('invert ∘ apply is the identity', () => {
    const inv = invertAffine(m)
    for (const p of pts) close(applyAffine(inv, applyAffine(m, p)), p, 1e-9)
    close(composeAffine(inv, m), [1, 0, 0, 0, 1, 0], 1e-12)
  })

  it('compose applies inner first', () => {
    const t: Affine = [1, 0, 5, 0, 1, -2]
    const p: Point = [3, 4]
    close(applyAffine(composeAffine(t, m), p), applyAffine(t, applyAffine(m, p)))
  })

  it('scales and translates the destination', () => {
    const p: Point = [7, 9]
    const q = applyAffine(m, p)
    close(applyAffine(scaleAffineOutput(m, 2), p), [q[0] * 2, q[1] * 2])
    close(applyAffine(translateAffineOutput(m, 5, -1), p), [q[0] + 5, q[1] - 1])
  })

  it('refuses a singular matrix', () => {
    expect(() => invertAffine([1, 2, 0, 2, 4, 0])).toThrow(HeirloomError)
  })
})

describe('templates', () => {
  it('scales the ffhq template to the documented 512 pixels', () => {
    close(
      templatePoints('ffhq_512', 512).flat(),
      [192.98138, 239.94708, 318.90277, 240.1936, 256.63416, 314.01935, 201.26117, 371.41043, 313.08905, 371.15118],
      1e-3
    )
    expect(templatePoints('arcface_128', 128)[0][0]).toBeCloseTo(46.2946, 3)
    expect(templatePoints('styleganex_384', 384)[2][1]).toBeCloseTo(235.5145, 3)
  })

  it('alignAffine maps landmarks onto the template', () => {
    const lm = templatePoints('ffhq_512', 512).map((p) => applyAffine(similarity(0.4, 0.2, 100, 50), p)) as Landmarks5
    const m = alignAffine(lm, 'ffhq_512', 512)
    lm.forEach((p, i) => close(applyAffine(m, p), templatePoints('ffhq_512', 512)[i], 1e-6))
  })

  it('ffhq_quad follows the FFHQ dataset recipe and fills the crop', () => {
    // Upright face: eyes at y=100, mouth at y=150, eye distance 40, so |x| = max(2*40, 1.8*50) = 90.
    const lm: Landmarks5 = [
      [80, 100],
      [120, 100],
      [100, 125],
      [85, 150],
      [115, 150]
    ]
    const quad = ffhqQuad(lm)
    // c = e + 0.1*em = (100, 105); top-left = c - x - y.
    close(quad.flat(), [10, 15, 10, 195, 190, 195, 190, 15], 1e-9)
    const m = alignAffine(lm, 'ffhq_quad', 256)
    close(applyAffine(m, [10, 15]), [-0.5, -0.5], 1e-9)
    close(applyAffine(m, [190, 195]), [255.5, 255.5], 1e-9)
  })
})

describe('boxes', () => {
  it('computes IoU', () => {
    expect(iou([0, 0, 10, 10], [5, 0, 10, 10])).toBeCloseTo(50 / 150, 12)
    expect(iou([0, 0, 10, 10], [20, 20, 5, 5])).toBe(0)
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1)
  })

  it('nms keeps the best of overlapping boxes, sorted by score', () => {
    const items = [
      { box: [0, 0, 10, 10] as BoxXYWH, score: 0.8, id: 'a' },
      { box: [1, 1, 10, 10] as BoxXYWH, score: 0.9, id: 'b' },
      { box: [50, 50, 10, 10] as BoxXYWH, score: 0.7, id: 'c' },
      { box: [6, 0, 10, 10] as BoxXYWH, score: 0.6, id: 'd' }
    ]
    expect(nms(items, 0.4).map((i) => i.id)).toEqual(['b', 'c', 'd'])
    expect(nms(items, 0.1).map((i) => i.id)).toEqual(['b', 'c'])
  })

  it('boxOfPoints, clampBox, expandBox', () => {
    expect(boxOfPoints(pts)).toEqual([10, 18, 40, 44])
    expect(clampBox([-5, 10, 20, 100], 12, 50)).toEqual([0, 10, 12, 40])
    expect(clampBox([30, 30, 5, 5], 10, 10)).toEqual([10, 10, 0, 0])
    expect(expandBox([10, 20, 100, 50], 0.1)).toEqual([0, 15, 120, 60])
  })
})
