import { HeirloomError } from '../errors'
import type { Affine, Point } from './types'

/**
 * Least-squares similarity (rotation + uniform scale + translation, 4 dof) mapping src onto dst (Umeyama, no
 * reflection). With 5 good landmarks this matches cv2.estimateAffinePartial2D(LMEDS) to a fraction of a pixel.
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Affine {
  const n = src.length
  if (n < 2 || dst.length !== n) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Similarity fit needs >= 2 matching point pairs (got ${n} and ${dst.length}).`
    )
  }
  let sx = 0
  let sy = 0
  let dx = 0
  let dy = 0
  for (let i = 0; i < n; i++) {
    sx += src[i][0]
    sy += src[i][1]
    dx += dst[i][0]
    dy += dst[i][1]
  }
  sx /= n
  sy /= n
  dx /= n
  dy /= n
  let varS = 0
  let dot = 0
  let cross = 0
  for (let i = 0; i < n; i++) {
    const ux = src[i][0] - sx
    const uy = src[i][1] - sy
    const vx = dst[i][0] - dx
    const vy = dst[i][1] - dy
    varS += ux * ux + uy * uy
    dot += ux * vx + uy * vy
    cross += ux * vy - uy * vx
  }
  if (!Number.isFinite(varS) || varS < 1e-9) {
    throw new HeirloomError('INVALID_REQUEST', 'Landmarks are degenerate (all points coincide); cannot align the face.')
  }
  // Minimiser of sum |[a -b; b a] u + t - v|^2 over centred points.
  const a = dot / varS
  const b = cross / varS
  return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)]
}

/** Exact similarity through two point pairs, or undefined when the source pair coincides. */
function similarityFromPair(s0: Point, s1: Point, d0: Point, d1: Point): Affine | undefined {
  const ux = s1[0] - s0[0]
  const uy = s1[1] - s0[1]
  const vx = d1[0] - d0[0]
  const vy = d1[1] - d0[1]
  const den = ux * ux + uy * uy
  if (den < 1e-12) return undefined
  const a = (ux * vx + uy * vy) / den
  const b = (ux * vy - uy * vx) / den
  return [a, -b, d0[0] - (a * s0[0] - b * s0[1]), b, a, d0[1] - (b * s0[0] + a * s0[1])]
}

function squaredResiduals(m: Affine, src: readonly Point[], dst: readonly Point[]): number[] {
  return src.map((p, i) => {
    const ex = m[0] * p[0] + m[1] * p[1] + m[2] - dst[i][0]
    const ey = m[3] * p[0] + m[4] * p[1] + m[5] - dst[i][1]
    return ex * ex + ey * ey
  })
}

/**
 * Least-median-of-squares similarity like cv2.estimateAffinePartial2D(method=LMEDS), which facexlib uses: every point
 * pair proposes a model (few points, so all pairs are tried: deterministic), the one with the smallest median squared
 * residual wins, points within OpenCV's inlier bound are kept and refit by least squares. With 5 consistent landmarks
 * this equals estimateSimilarity; one bad landmark (e.g. a nose detected off-centre) is ignored like OpenCV does.
 */
export function estimateSimilarityRobust(src: readonly Point[], dst: readonly Point[]): Affine {
  const n = src.length
  if (n < 3 || dst.length !== n) return estimateSimilarity(src, dst)
  let best: Affine | undefined
  let bestMedian = Infinity
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = similarityFromPair(src[i], src[j], dst[i], dst[j])
      if (!m) continue
      const med = squaredResiduals(m, src, dst).sort((p, q) => p - q)[Math.floor(n / 2)]
      if (med < bestMedian) {
        bestMedian = med
        best = m
      }
    }
  }
  if (!best) return estimateSimilarity(src, dst)
  // OpenCV: sigma = 2.5 * 1.4826 * (1 + 5 / (n - modelPoints)) * sqrt(median), at least 0.001.
  const sigma = Math.max(2.5 * 1.4826 * (1 + 5 / (n - 2)) * Math.sqrt(bestMedian), 0.001)
  const res = squaredResiduals(best, src, dst)
  const keep = res.map((r) => r <= sigma * sigma)
  const inSrc = src.filter((_, i) => keep[i])
  const inDst = dst.filter((_, i) => keep[i])
  return inSrc.length >= 2 ? estimateSimilarity(inSrc, inDst) : best
}
