/**
 * FairFace age estimate (FaceFusion's fairface.onnx, models-3.0.0; FairFace by Kärkkäinen & Joo, CC-BY-4.0).
 * Contract from facefusion/facefusion facefusion/face_classifier.py (classify_face / forward / categorize_age): the
 * face warped with the arcface_112_v2 template to 224x224, RGB /255, ImageNet mean/std, NCHW `input`; outputs in
 * order race_id, gender_id, age_id (class ids). Only the age id is read; the other outputs are never used or shown.
 */
import type { LoadedModel } from '../../engine'
import { HeirloomError } from '../../errors'
import { alignAffine } from '../../geometry/templates'
import type { Face } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import type { TensorData } from '../../runtime/types'
import { warpToTensor } from '../../warp/crop'

export const FAIRFACE_SIZE = 224

/** categorize_age: id -> bucket. `years` is the value a "current age" field is prefilled with (the middle). */
export const AGE_BUCKETS = [
  { label: '0-2', low: 0, high: 2, years: 1 },
  { label: '3-9', low: 3, high: 9, years: 6 },
  { label: '10-19', low: 10, high: 19, years: 15 },
  { label: '20-29', low: 20, high: 29, years: 25 },
  { label: '30-39', low: 30, high: 39, years: 35 },
  { label: '40-49', low: 40, high: 49, years: 45 },
  { label: '50-59', low: 50, high: 59, years: 55 },
  { label: '60-69', low: 60, high: 69, years: 65 },
  { label: '70+', low: 70, high: undefined, years: 75 }
] as const

export interface AgeEstimate {
  /** "30-39": never more precise than the model's bucket. */
  bucket: string
  low: number
  high?: number
  /** Middle of the bucket, for prefilling a current-age field the user can change. */
  years: number
}

/** A class id from an id output (int64/int32 scalar) or from logits (argmax). */
function classId(t: TensorData): number {
  const d = t.data
  if (d instanceof BigInt64Array) return Number(d[0])
  if (d.length === 1) return Math.round(Number(d[0]))
  let best = 0
  for (let i = 1; i < d.length; i++) if (Number(d[i]) > Number(d[best])) best = i
  return best
}

export async function estimateAge(
  model: LoadedModel,
  img: RgbImage,
  face: Face,
  signal?: AbortSignal
): Promise<AgeEstimate> {
  const affine = alignAffine(face.landmarks, 'arcface_112_v2', FAIRFACE_SIZE)
  const tensor = warpToTensor(img, affine, FAIRFACE_SIZE, FAIRFACE_SIZE, {
    channels: 'RGB',
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
    border: 'replicate'
  })
  const names = model.session.outputNames
  // Published order race_id, gender_id, age_id: the age is the one named so, else the third.
  const ageName = names.includes('age_id') ? 'age_id' : names[2]
  if (!ageName) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `Age estimator "${model.entry.id}" has ${names.length} output(s); expected race_id, gender_id, age_id.`,
      { modelId: model.entry.id }
    )
  }
  const out = await model.session.run(
    { [model.session.inputNames[0]]: { type: 'float32', data: tensor, dims: [1, 3, FAIRFACE_SIZE, FAIRFACE_SIZE] } },
    { signal, outputs: [ageName] }
  )
  const t = out[ageName]
  const id = t && t.data.length > 0 ? classId(t) : NaN
  const bucket = AGE_BUCKETS[id]
  if (!Number.isInteger(id) || !bucket) {
    throw new HeirloomError(
      'MODEL_FAILED',
      `Age estimator "${model.entry.id}" gave age class ${String(id)}; expected 0..${AGE_BUCKETS.length - 1}.`,
      { modelId: model.entry.id }
    )
  }
  return {
    bucket: bucket.label,
    low: bucket.low,
    ...(bucket.high !== undefined ? { high: bucket.high } : {}),
    years: bucket.years
  }
}

/** "about 30-39" / "about 70+": how a bucket is shown. */
export function ageLabel(e: Pick<AgeEstimate, 'bucket'>): string {
  return `about ${e.bucket}`
}
