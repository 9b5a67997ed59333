/**
 * SFace identity features (OpenCV Zoo face_recognition_sface_2021dec.onnx). Contract from the publisher's code:
 * opencv/opencv modules/objdetect/src/face_recognize.cpp (FaceRecognizerSFImpl::alignCrop / feature / match) and
 * opencv/opencv_zoo models/face_recognition_sface/sface.py: the 5 landmarks are fitted by a similarity transform to
 * the ArcFace 112 template, warpAffine to 112x112 (bilinear, zero border), blobFromImage(scale 1, swapRB) = RGB float
 * 0..255 without normalisation; the output feature is L2-normalised and two faces are the same person when the
 * cosine is >= 0.363 (FR_COSINE threshold in sface.py / face_recognize.cpp's demo).
 */
import type { LoadedModel } from '../../engine'
import { HeirloomError } from '../../errors'
import { alignAffine } from '../../geometry/templates'
import type { Affine, Face } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { assertFinite } from '../../runtime/finite'
import { warpToTensor } from '../../warp/crop'

export const SFACE_SIZE = 112
/** Cosine at or above which OpenCV's SFace says "same person". */
export const SAME_PERSON_COSINE = 0.363

/** Image pixels -> the 112x112 SFace crop. */
export function sfaceAffine(face: Face): Affine {
  return alignAffine(face.landmarks, 'arcface_112_v2', SFACE_SIZE)
}

/** The 112 crop as the graph's input tensor: RGB 0..255, NCHW (mean 0, std 1/255 gives the raw pixel value). */
export function sfaceTensor(img: RgbImage, affine: Affine): Float32Array {
  return warpToTensor(img, affine, SFACE_SIZE, SFACE_SIZE, {
    channels: 'RGB',
    mean: [0, 0, 0],
    std: [1 / 255, 1 / 255, 1 / 255],
    border: 'constant',
    fill: [0, 0, 0]
  })
}

function l2normalise(v: Float32Array, label: string): Float32Array {
  let n = 0
  for (let i = 0; i < v.length; i++) n += v[i] * v[i]
  n = Math.sqrt(n)
  if (!(n > 0)) throw new HeirloomError('MODEL_FAILED', `${label} returned an all-zero feature; it cannot be compared.`)
  const out = new Float32Array(v.length)
  for (let i = 0; i < v.length; i++) out[i] = v[i] / n
  return out
}

/** One L2-normalised feature from an already built 112 tensor; its length is whatever the graph gives. */
export async function sfaceFeature(
  model: LoadedModel,
  tensor: Float32Array,
  signal?: AbortSignal
): Promise<Float32Array> {
  const inName = model.session.inputNames[0]
  const outName = model.session.outputNames[0]
  const out = await model.session.run(
    { [inName]: { type: 'float32', data: tensor, dims: [1, 3, SFACE_SIZE, SFACE_SIZE] } },
    { signal, outputs: [outName] }
  )
  const t = out[outName]
  if (!t || !(t.data instanceof Float32Array) || t.data.length < 2) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `Face recognizer "${model.entry.id}" returned no float32 feature vector named "${outName}".`,
      { modelId: model.entry.id }
    )
  }
  assertFinite(t.data, `Face recognizer "${model.entry.id}"`)
  return l2normalise(t.data, `Face recognizer "${model.entry.id}"`)
}

/** The feature of `face` in `img` (align -> 112 -> model). */
export async function faceFeature(
  model: LoadedModel,
  img: RgbImage,
  face: Face,
  signal?: AbortSignal
): Promise<Float32Array> {
  return sfaceFeature(model, sfaceTensor(img, sfaceAffine(face)), signal)
}

/** Cosine of two L2-normalised features (OpenCV FaceRecognizerSF::match with FR_COSINE). */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) {
    throw new HeirloomError('INTERNAL', `Features of different lengths (${a.length}, ${b.length}) cannot be compared.`)
  }
  let d = 0
  for (let i = 0; i < a.length; i++) d += a[i] * b[i]
  return d
}
