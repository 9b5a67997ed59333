import type { Face } from '../../../../shared/faces'
import type { FaceSelection } from './types'

export function eyeDistance(face: Face): number {
  const [l, r] = face.landmarks
  return Math.hypot(r[0] - l[0], r[1] - l[1])
}

/**
 * GFPGAN-style selection: drop faces with eyes closer than `minEyeDistance`, then keep all, the largest box, or the face
 * whose centre is nearest the image centre. Returns faces sorted left to right (by box x, then y).
 */
export function selectFaces(
  faces: readonly Face[],
  opts: { width: number; height: number; minEyeDistance?: number; select?: FaceSelection }
): Face[] {
  let kept = faces.filter((f) => eyeDistance(f) >= (opts.minEyeDistance ?? 0))
  if (kept.length > 1 && opts.select === 'largest') {
    kept = [kept.reduce((a, b) => (b.box[2] * b.box[3] > a.box[2] * a.box[3] ? b : a))]
  } else if (kept.length > 1 && opts.select === 'center') {
    const d = (f: Face): number =>
      Math.hypot(f.box[0] + f.box[2] / 2 - opts.width / 2, f.box[1] + f.box[3] / 2 - opts.height / 2)
    kept = [kept.reduce((a, b) => (d(b) < d(a) ? b : a))]
  }
  return [...kept].sort((a, b) => a.box[0] - b.box[0] || a.box[1] - b.box[1])
}
