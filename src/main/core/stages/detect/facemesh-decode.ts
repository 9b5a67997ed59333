import type { Landmarks5, Point } from '../../../../shared/faces'
import { HeirloomError } from '../../errors'
import type { IoInfo, TensorData } from '../../runtime/types'

export const FACEMESH_SIZE = 192

/** Eye contours of the MediaPipe 468-point mesh: subject's right eye (image left) then left eye. */
export const FACEMESH_RIGHT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246] as const
export const FACEMESH_LEFT_EYE = [
  263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466
] as const
export const FACEMESH_NOSE_TIP = 1
/** Mouth corners: subject's right (image left), then left. */
export const FACEMESH_MOUTH_RIGHT = 61
export const FACEMESH_MOUTH_LEFT = 291

export interface FaceMeshResult {
  /** Face presence confidence in [0,1]. */
  confidence: number
  /** The five alignment points as fractions of the crop side (0..1), Landmarks5 order. */
  landmarks: Landmarks5
}

/**
 * The two published FaceMesh exports, told apart by the landmark output's shape:
 * - `ailia` (axinc-ai/ailia-models face_recognition/facemesh/facemesh.py, from facemesh.pytorch): input RGB
 *   `x/127.5 - 1`; outputs landmarks flat [n,1404] in crop pixels 0..192 (the script divides by 192.0), then a
 *   confidence logit (no sigmoid in the graph).
 * - `mediapipe` (the export in ../shared/models): input RGB [0,1]; `face_conf` [1] a probability, `landmarks`
 *   [1,468,3] as fractions of the crop.
 */
export interface FaceMeshExport {
  kind: 'ailia' | 'mediapipe'
  /** Output names of the landmarks and of the confidence. */
  landmarks: string
  confidence: string
  /** Pixel -> input value: (p/255 - mean) / std. */
  mean: number
  std: number
  /** Landmark units -> crop fractions. */
  unit: number
  sigmoid: boolean
}

const known = (d: number | string | undefined): d is number => typeof d === 'number' && d >= 0

/** Reads which export a graph is from its outputs' shapes (names differ between exports). */
export function faceMeshExport(outputs: readonly IoInfo[]): FaceMeshExport {
  const tail = (o: IoInfo): readonly (number | string)[] => o.dims.slice(1)
  const isMesh = (o: IoInfo): boolean => tail(o).length === 2 && tail(o)[0] === 468 && tail(o)[1] === 3
  const isFlat = (o: IoInfo): boolean =>
    tail(o)[0] === 1404 &&
    tail(o)
      .slice(1)
      .every((d) => d === 1) &&
    o.dims.length >= 2
  const mesh = outputs.find(isMesh)
  const flat = outputs.find(isFlat)
  const lm = mesh ?? flat
  const other = outputs.filter((o) => o !== lm)
  // The confidence is the remaining output holding one value per face.
  const conf = other.find((o) => o.dims.every((d, k) => k === 0 || !known(d) || d === 1)) ?? other[0]
  if (!lm || !conf) {
    const found = outputs.map((o) => `${o.name} [${o.dims.join(',')}]`).join(', ') || 'none'
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `FaceMesh: expected landmarks [1,468,3] (MediaPipe export) or [1,1404] (ailia export) and a confidence output; found ${found}. Is this the right file?`
    )
  }
  return mesh
    ? { kind: 'mediapipe', landmarks: lm.name, confidence: conf.name, mean: 0, std: 1, unit: 1, sigmoid: false }
    : { kind: 'ailia', landmarks: lm.name, confidence: conf.name, mean: 0.5, std: 0.5, unit: 1 / 192, sigmoid: true }
}

function mean(pts: Float32Array, idx: readonly number[], unit: number): Point {
  let x = 0
  let y = 0
  for (const i of idx) {
    x += pts[3 * i]
    y += pts[3 * i + 1]
  }
  return [(x / idx.length) * unit, (y / idx.length) * unit]
}

const MEDIAPIPE: FaceMeshExport = {
  kind: 'mediapipe',
  landmarks: 'landmarks',
  confidence: 'face_conf',
  mean: 0,
  std: 1,
  unit: 1,
  sigmoid: false
}

/** Reduces FaceMesh's 468 points to the 5 alignment points: eye contour means, nose tip 1, mouth corners 61 / 291. */
export function decodeFaceMesh(
  outputs: Readonly<Record<string, TensorData>>,
  exp: FaceMeshExport = MEDIAPIPE
): FaceMeshResult {
  const conf = outputs[exp.confidence]?.data
  const lm = outputs[exp.landmarks]?.data
  if (!(conf instanceof Float32Array) || conf.length < 1 || !(lm instanceof Float32Array) || lm.length !== 468 * 3) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `FaceMesh outputs "${exp.confidence}" [1] and "${exp.landmarks}" (468 x 3 float32 values) expected.`
    )
  }
  const u = exp.unit
  const at = (i: number): Point => [lm[3 * i] * u, lm[3 * i + 1] * u]
  const c = exp.sigmoid ? 1 / (1 + Math.exp(-conf[0])) : conf[0]
  return {
    confidence: Math.min(1, Math.max(0, c)),
    landmarks: [
      mean(lm, FACEMESH_RIGHT_EYE, u),
      mean(lm, FACEMESH_LEFT_EYE, u),
      at(FACEMESH_NOSE_TIP),
      at(FACEMESH_MOUTH_RIGHT),
      at(FACEMESH_MOUTH_LEFT)
    ]
  }
}
