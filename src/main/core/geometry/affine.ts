import { HeirloomError } from '../errors'
import type { Affine, Point } from './types'

/** Inverse of a 2x3 affine (same result as cv2.invertAffineTransform). */
export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m
  const det = a * e - b * d
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) {
    throw new HeirloomError('INVALID_REQUEST', 'The alignment transform is degenerate and cannot be inverted.')
  }
  const ia = e / det
  const ib = -b / det
  const id = -d / det
  const ie = a / det
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)]
}

/** outer ∘ inner: the affine that applies `inner` first, then `outer`. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  const [a1, b1, c1, d1, e1, f1] = outer
  const [a2, b2, c2, d2, e2, f2] = inner
  return [
    a1 * a2 + b1 * d2,
    a1 * b2 + b1 * e2,
    a1 * c2 + b1 * f2 + c1,
    d1 * a2 + e1 * d2,
    d1 * b2 + e1 * e2,
    d1 * c2 + e1 * f2 + f1
  ]
}

export function applyAffine(m: Affine, p: Point): Point {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]]
}

/** Scales the destination space by s (e.g. a 512 alignment reused for a 1024 crop). */
export function scaleAffineOutput(m: Affine, s: number): Affine {
  return [m[0] * s, m[1] * s, m[2] * s, m[3] * s, m[4] * s, m[5] * s]
}

/** Shifts the destination space by (dx, dy). */
export function translateAffineOutput(m: Affine, dx: number, dy: number): Affine {
  return [m[0], m[1], m[2] + dx, m[3], m[4], m[5] + dy]
}

/** Uniform scale factor of a similarity (sqrt of |det|): destination pixels per source pixel. */
export function affineScale(m: Affine): number {
  return Math.sqrt(Math.abs(m[0] * m[4] - m[1] * m[3]))
}
