import type { Face } from '../geometry/types'

/** The part of a per-face report row every photo job shares: which face, where, how sure, and who found it. */
export function faceReportHead(
  f: Face,
  index: number
): Pick<Face, 'box' | 'score'> & { index: number; source: NonNullable<Face['source']> } {
  return { index, box: f.box, score: f.score, source: f.source ?? 'detector' }
}
