import type { Landmarks5, Point } from '../../../../shared/faces'
import { HeirloomError } from '../../errors'
import type { TensorData } from '../../runtime/types'
import type { RawDetection } from './types'

export const SCRFD_STRIDES = [8, 16, 32] as const
export const SCRFD_ANCHORS_PER_CELL = 2

interface StrideOutputs {
  scores: Float32Array
  boxes: Float32Array
  kps?: Float32Array
}

function lastDim(t: TensorData): number {
  return t.dims[t.dims.length - 1] ?? 0
}

/**
 * Groups the InsightFace outputs (scores / distances / keypoints for strides 8, 16, 32) by what they hold, not by name:
 * exported files name them by graph node numbers. Rows per stride = (H/s)*(W/s)*2, last dim 1, 4 or 10.
 */
function groupOutputs(
  outputs: Readonly<Record<string, TensorData>>,
  inputW: number,
  inputH: number
): Map<number, StrideOutputs> {
  const byRows = new Map<number, number>()
  for (const s of SCRFD_STRIDES) byRows.set(Math.floor(inputW / s) * Math.floor(inputH / s) * SCRFD_ANCHORS_PER_CELL, s)
  const groups = new Map<number, Partial<StrideOutputs>>()
  for (const [name, t] of Object.entries(outputs)) {
    if (!(t.data instanceof Float32Array))
      throw new HeirloomError('MODEL_CONTRACT', `SCRFD output "${name}" is not float32.`)
    const width = lastDim(t)
    const rows = width > 0 ? t.data.length / width : 0
    const stride = byRows.get(rows)
    if (stride === undefined) continue
    const g = groups.get(stride) ?? {}
    if (width === 1) g.scores = t.data
    else if (width === 4) g.boxes = t.data
    else if (width === 10) g.kps = t.data
    groups.set(stride, g)
  }
  const complete = new Map<number, StrideOutputs>()
  for (const s of SCRFD_STRIDES) {
    const g = groups.get(s)
    if (!g?.scores || !g.boxes) {
      throw new HeirloomError(
        'MODEL_CONTRACT',
        `SCRFD outputs for stride ${s} not found for a ${inputW}x${inputH} input (expected scores [N,1] and distances [N,4] with N=${Math.floor(inputW / s) * Math.floor(inputH / s) * 2}).`
      )
    }
    complete.set(s, { scores: g.scores, boxes: g.boxes, kps: g.kps })
  }
  return complete
}

/**
 * Decodes SCRFD / RetinaFace in the InsightFace layout into input-tensor pixels. Anchor centres are (col, row) * stride
 * with no half-cell offset, two per cell; box = centre -/+ distances * stride; keypoints = centre + offsets * stride.
 */
export function decodeScrfd(
  outputs: Readonly<Record<string, TensorData>>,
  inputW: number,
  inputH: number,
  minScore: number
): RawDetection[] {
  const found: RawDetection[] = []
  for (const [s, g] of groupOutputs(outputs, inputW, inputH)) {
    const cols = Math.floor(inputW / s)
    const n = g.scores.length
    for (let i = 0; i < n; i++) {
      const score = g.scores[i]
      if (score < minScore) continue
      const cell = Math.floor(i / SCRFD_ANCHORS_PER_CELL)
      const cx = (cell % cols) * s
      const cy = Math.floor(cell / cols) * s
      const b = i * 4
      const x1 = cx - g.boxes[b] * s
      const y1 = cy - g.boxes[b + 1] * s
      const x2 = cx + g.boxes[b + 2] * s
      const y2 = cy + g.boxes[b + 3] * s
      const det: RawDetection = { box: [x1, y1, x2 - x1, y2 - y1], score }
      if (g.kps) {
        const k = i * 10
        const pts: Point[] = []
        for (let j = 0; j < 5; j++) pts.push([cx + g.kps[k + 2 * j] * s, cy + g.kps[k + 2 * j + 1] * s])
        det.landmarks = pts as Landmarks5
      }
      found.push(det)
    }
  }
  return found
}
