import type { BoxXYWH, Landmarks5, Point } from '../../../../shared/faces'
import { applyAffine, invertAffine } from '../../geometry/affine'
import type { Affine } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import type { ModelSession } from '../../runtime/types'
import { warpToTensor } from '../../warp/crop'
import { FACEMESH_SIZE, decodeFaceMesh, faceMeshExport } from './facemesh-decode'
import { firstInputName } from './input-size'
import type { Rotation } from './types'

/** Side of the square FaceMesh crop relative to the face box's long side (MediaPipe crops with a margin). */
export const FACEMESH_CROP_FACTOR = 1.5

export interface FaceMeshOnBox {
  confidence: number
  /** Five points in the image frame of `img`. */
  landmarks: Landmarks5
}

/** Image -> 192x192 crop around the box centre, turned clockwise by `rotation` so the face is upright in the crop. */
export function faceMeshCropAffine(box: BoxXYWH, rotation: Rotation): Affine {
  const cx = box[0] + box[2] / 2
  const cy = box[1] + box[3] / 2
  const k = FACEMESH_SIZE / (FACEMESH_CROP_FACTOR * Math.max(box[2], box[3], 1))
  const rad = (rotation * Math.PI) / 180
  const c = Math.round(Math.cos(rad)) * k
  const s = Math.round(Math.sin(rad)) * k
  const h = FACEMESH_SIZE / 2
  return [c, -s, h - (c * cx - s * cy), s, c, h - (s * cx + c * cy)]
}

/** Runs FaceMesh on a crop around `box`: face confidence and the 5 alignment points back in image pixels. */
export async function faceMeshOnBox(
  session: ModelSession,
  img: RgbImage,
  box: BoxXYWH,
  rotation: Rotation = 0,
  signal?: AbortSignal
): Promise<FaceMeshOnBox> {
  const m = faceMeshCropAffine(box, rotation)
  const exp = faceMeshExport(session.outputs)
  const data = warpToTensor(img, m, FACEMESH_SIZE, FACEMESH_SIZE, {
    channels: 'RGB',
    mean: [exp.mean, exp.mean, exp.mean],
    std: [exp.std, exp.std, exp.std],
    border: 'constant',
    fill: [0, 0, 0]
  })
  const input = { type: 'float32' as const, data, dims: [1, 3, FACEMESH_SIZE, FACEMESH_SIZE] }
  const out = await session.run({ [firstInputName(session, 'FaceMesh')]: input }, { signal })
  const r = decodeFaceMesh(out, exp)
  const back = invertAffine(m)
  const landmarks = r.landmarks.map((p): Point =>
    applyAffine(back, [p[0] * FACEMESH_SIZE, p[1] * FACEMESH_SIZE])
  ) as Landmarks5
  return { confidence: r.confidence, landmarks }
}
