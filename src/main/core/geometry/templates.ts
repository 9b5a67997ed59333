import type { Landmarks5 } from '../../../shared/faces'
import type { TemplateId } from '../../../shared/model-manifest'
import { HeirloomError } from '../errors'
import { estimateSimilarity, estimateSimilarityRobust } from './similarity'
import type { Affine, Point } from './types'

/** 5-point templates as fractions of the crop side (docs/MODEL-CONTRACTS.md section 1). */
const FRACTIONS: Record<Exclude<TemplateId, 'ffhq_quad'>, readonly Point[]> = {
  ffhq_512: [
    [0.37691676, 0.46864664],
    [0.62285697, 0.46912813],
    [0.50123859, 0.61331904],
    [0.39308822, 0.725411],
    [0.61150205, 0.72490465]
  ],
  styleganex_384: [
    [0.42353745, 0.52289879],
    [0.57725008, 0.52319972],
    [0.50123859, 0.61331904],
    [0.43364461, 0.68337652],
    [0.57015325, 0.68306005]
  ],
  arcface_128: [
    [0.36167656, 0.40387734],
    [0.63696719, 0.40235469],
    [0.50019687, 0.56044219],
    [0.38710391, 0.72160547],
    [0.61507734, 0.72034453]
  ],
  // ArcFace 112 (OpenCV face_recognize.cpp's SFace points / 112; FaceFusion face_helper.py 'arcface_112_v2').
  arcface_112_v2: [
    [0.34191607, 0.46157411],
    [0.65653393, 0.45983393],
    [0.500225, 0.64050536],
    [0.37097589, 0.82469196],
    [0.63151696, 0.82325089]
  ]
}

/**
 * The template's 5 points in a size x size crop. `ffhq_quad` has no fixed points (it is built from the eyes and mouth);
 * it returns the ffhq_512 template, its documented 5-point substitute.
 */
export function templatePoints(id: TemplateId, size: number): Point[] {
  if (!(size > 0)) throw new HeirloomError('INVALID_REQUEST', `Crop size must be positive (got ${size}).`)
  const key = id === 'ffhq_quad' ? 'ffhq_512' : id
  const frac = FRACTIONS[key]
  if (!frac) throw new HeirloomError('INVALID_REQUEST', `Unknown alignment template "${String(id)}".`)
  return frac.map(([x, y]) => [x * size, y * size])
}

/** The FFHQ dataset crop quad (top-left, bottom-left, bottom-right, top-right) in image pixels. */
export function ffhqQuad(lm: Landmarks5): [Point, Point, Point, Point] {
  const [l, r, , ml, mr] = lm
  const ex = (l[0] + r[0]) / 2
  const ey = (l[1] + r[1]) / 2
  const eex = r[0] - l[0]
  const eey = r[1] - l[1]
  const mx = (ml[0] + mr[0]) / 2
  const my = (ml[1] + mr[1]) / 2
  const emx = mx - ex
  const emy = my - ey
  // x = ee - flip(em) * [-1, 1]  =>  (eex + emy, eey - emx)
  let xx = eex + emy
  let xy = eey - emx
  const len = Math.hypot(xx, xy)
  if (!(len > 1e-9)) throw new HeirloomError('INVALID_REQUEST', 'Landmarks are degenerate; cannot build the FFHQ quad.')
  const scale = Math.max(2.0 * Math.hypot(eex, eey), 1.8 * Math.hypot(emx, emy)) / len
  xx *= scale
  xy *= scale
  // y = flip(x) * [-1, 1]
  const yx = -xy
  const yy = xx
  const cx = ex + 0.1 * emx
  const cy = ey + 0.1 * emy
  return [
    [cx - xx - yx, cy - xy - yy],
    [cx - xx + yx, cy - xy + yy],
    [cx + xx + yx, cy + xy + yy],
    [cx + xx - yx, cy + xy - yy]
  ]
}

/** Image -> crop affine for a size x size crop aligned to `template` (robust fit, as facexlib does). */
export function alignAffine(landmarks: Landmarks5, template: TemplateId, size: number): Affine {
  if (template === 'ffhq_quad') {
    // The quad's outer edges land on the crop's outer pixel edges (pixel centres are integers).
    const lo = -0.5
    const hi = size - 0.5
    const corners: Point[] = [
      [lo, lo],
      [lo, hi],
      [hi, hi],
      [hi, lo]
    ]
    return estimateSimilarity(ffhqQuad(landmarks), corners)
  }
  return estimateSimilarityRobust(landmarks, templatePoints(template, size))
}
