/**
 * BiSeNet face parsing for face-region paste-back. Contract and mask recipe from facefusion/facefusion
 * facefusion/face_masker.py (create_region_mask + forward_parse_face; FaceFusion assets bisenet_resnet_34 /
 * bisenet_resnet_18, MIT, weights from yakhyo/face-parsing): the aligned crop resized to 512, RGB /255, ImageNet
 * mean/std, NCHW `input`; the first output's [19,512,512] logits -> argmax -> keep the face classes -> resize to the
 * crop -> GaussianBlur sigma 5 -> clip 0.5..1 -> (x - 0.5) * 2. The paste takes the minimum with its box mask.
 */
import type { LoadedModel } from '../../engine'
import { HeirloomError } from '../../errors'
import { scaleAffineOutput } from '../../geometry/affine'
import type { Affine } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { assertFinite } from '../../runtime/finite'
import { warpToTensor } from '../../warp/crop'
import type { CropMask } from '../../warp/paste'

export const PARSER_SIZE = 512
export const PARSER_CLASSES = 19
/** skin 1, brows 2-3, eyes 4-5, glasses 6, nose 10, mouth 11, lips 12-13 (FaceFusion's face_mask_region_set). */
export const FACE_REGION_CLASSES: readonly number[] = [1, 2, 3, 4, 5, 6, 10, 11, 12, 13]
const BLUR_SIGMA = 5
const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406]
const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225]

/** 1 where the argmax class of the [C,S,S] logits is one of `keep`, else 0. */
export function keepClasses(
  logits: Float32Array,
  classes: number,
  size: number,
  keep: readonly number[]
): Float32Array {
  const n = size * size
  const wanted = new Uint8Array(classes)
  for (const k of keep) if (k < classes) wanted[k] = 1
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    let bestV = logits[i]
    for (let c = 1; c < classes; c++) {
      const v = logits[c * n + i]
      if (v > bestV) {
        bestV = v
        best = c
      }
    }
    out[i] = wanted[best]!
  }
  return out
}

/** cv2.GaussianBlur(src, (0,0), sigma) on a float mask: ksize = round(8 sigma + 1) | 1, BORDER_REFLECT_101. */
export function gaussianBlurSigma(mask: Float32Array, width: number, height: number, sigma: number): void {
  const k = Math.round(sigma * 8 + 1) | 1
  const r = (k - 1) / 2
  const kernel = new Float64Array(k)
  let sum = 0
  for (let i = 0; i < k; i++) sum += kernel[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma))
  for (let i = 0; i < k; i++) kernel[i] /= sum
  const reflect = (i: number, n: number): number => {
    if (n === 1) return 0
    while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i
    return i
  }
  const tmp = new Float32Array(mask.length)
  for (let y = 0; y < height; y++) {
    const row = y * width
    for (let x = 0; x < width; x++) {
      let acc = 0
      for (let j = 0; j < k; j++) acc += kernel[j] * mask[row + reflect(x + j - r, width)]
      tmp[row + x] = acc
    }
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      let acc = 0
      for (let j = 0; j < k; j++) acc += kernel[j] * tmp[reflect(y + j - r, height) * width + x]
      mask[y * width + x] = acc
    }
  }
}

/** Bilinear resize of a one-channel mask (cv2.resize INTER_LINEAR, half-pixel centres). */
function resizeMask(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  if (sw === dw && sh === dh) return src
  const out = new Float32Array(dw * dh)
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / dh - 0.5))
    const y0 = Math.floor(fy)
    const y1 = Math.min(sh - 1, y0 + 1)
    const wy = fy - y0
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / dw - 0.5))
      const x0 = Math.floor(fx)
      const x1 = Math.min(sw - 1, x0 + 1)
      const wx = fx - x0
      out[y * dw + x] =
        (1 - wy) * ((1 - wx) * src[y0 * sw + x0] + wx * src[y0 * sw + x1]) +
        wy * ((1 - wx) * src[y1 * sw + x0] + wx * src[y1 * sw + x1])
    }
  }
  return out
}

/** The region mask recipe after the model: resize to the crop, blur sigma 5, clip 0.5..1, rescale to 0..1. */
export function softenRegionMask(hard: Float32Array, size: number, cropW: number, cropH: number): CropMask {
  const data = resizeMask(hard, size, size, cropW, cropH)
  const own = data === hard ? data.slice() : data
  gaussianBlurSigma(own, cropW, cropH, BLUR_SIGMA)
  for (let i = 0; i < own.length; i++) own[i] = (Math.min(1, Math.max(0.5, own[i])) - 0.5) * 2
  return { width: cropW, height: cropH, data: own }
}

/**
 * The face-region mask of the crop `affine` cuts from `img` (image -> crop of cropW x cropH; a square crop).
 * The parser sees the same crop at 512 (FaceFusion resizes its crop to the model size).
 */
export async function faceRegionMask(
  model: LoadedModel,
  img: RgbImage,
  affine: Affine,
  cropW: number,
  cropH: number,
  signal?: AbortSignal
): Promise<CropMask> {
  const tensor = warpToTensor(img, scaleAffineOutput(affine, PARSER_SIZE / cropW), PARSER_SIZE, PARSER_SIZE, {
    channels: 'RGB',
    mean: IMAGENET_MEAN,
    std: IMAGENET_STD,
    border: 'replicate'
  })
  const inName = model.session.inputNames[0]
  const outName = model.session.outputNames[0]
  const out = await model.session.run(
    { [inName]: { type: 'float32', data: tensor, dims: [1, 3, PARSER_SIZE, PARSER_SIZE] } },
    { signal, outputs: [outName] }
  )
  const t = out[outName]
  const n = PARSER_SIZE * PARSER_SIZE
  if (!t || !(t.data instanceof Float32Array) || t.data.length !== PARSER_CLASSES * n) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `Face parser "${model.entry.id}" returned ${t ? `a [${t.dims.join(',')}] ${t.type} tensor` : 'nothing'}; expected float32 [1,${PARSER_CLASSES},${PARSER_SIZE},${PARSER_SIZE}] logits.`,
      { modelId: model.entry.id }
    )
  }
  assertFinite(t.data, `Face parser "${model.entry.id}"`)
  const hard = keepClasses(t.data, PARSER_CLASSES, PARSER_SIZE, FACE_REGION_CLASSES)
  return softenRegionMask(hard, PARSER_SIZE, cropW, cropH)
}
