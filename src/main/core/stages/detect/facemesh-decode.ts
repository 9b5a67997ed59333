import type { Landmarks5, Point } from '../../../../shared/faces'
import { HeirloomError } from '../../errors'
import type { TensorData } from '../../runtime/types'

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
  /** The five alignment points as fractions of the crop side (0..1; this export normalises), Landmarks5 order. */
  landmarks: Landmarks5
}

function mean(pts: Float32Array, idx: readonly number[]): Point {
  let x = 0
  let y = 0
  for (const i of idx) {
    x += pts[3 * i]
    y += pts[3 * i + 1]
  }
  return [x / idx.length, y / idx.length]
}

/** Reduces FaceMesh's 468 points to the 5 alignment points: eye contour means, nose tip 1, mouth corners 61 / 291. */
export function decodeFaceMesh(outputs: Readonly<Record<string, TensorData>>): FaceMeshResult {
  const conf = outputs.face_conf?.data
  const lm = outputs.landmarks?.data
  if (!(conf instanceof Float32Array) || conf.length < 1 || !(lm instanceof Float32Array) || lm.length !== 468 * 3) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      'FaceMesh outputs "face_conf" [1] and "landmarks" [1,468,3] (float32) expected.'
    )
  }
  const at = (i: number): Point => [lm[3 * i], lm[3 * i + 1]]
  return {
    confidence: Math.min(1, Math.max(0, conf[0])),
    landmarks: [
      mean(lm, FACEMESH_RIGHT_EYE),
      mean(lm, FACEMESH_LEFT_EYE),
      at(FACEMESH_NOSE_TIP),
      at(FACEMESH_MOUTH_RIGHT),
      at(FACEMESH_MOUTH_LEFT)
    ]
  }
}
