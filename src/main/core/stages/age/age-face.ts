import { throwIfAborted } from '../../errors'
import { affineScale, scaleAffineOutput } from '../../geometry/affine'
import { alignAffine } from '../../geometry/templates'
import type { Affine, Landmarks5 } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { resizeRgb } from '../../image/resize'
import { multiScaleColorTransfer } from '../../warp/colour'
import { warpAffineRgb } from '../../warp/crop'
import { editFactorFor, targetAgeFor, type AgeAmount } from './calibration'
import { editLatent } from './latent'
import { centreRegion, fitLatentOutput, generatorImage, pasteSizeFor } from './postprocess'
import { ENCODER_SIZE, faceTensor, GENERATOR_SIZE, samTensor } from './preprocess'
import { encodeLatent, encodeSam, runStyleganex, synthesize } from './run'
import { STYLEGANEX_BACKGROUND_SIZE, STYLEGANEX_TARGET_SIZE, styleganexAffines } from './styleganex-geometry'
import type { AgeModels, AgeRoute, LatentAgeModels, SamAgeModels, StyleganexAgeModels } from './types'

/** Part of the FFHQ-quad crop pasted back on the latent routes (the face and some hair; see centreRegion). */
export const LATENT_PASTE_FRACTION = 0.8

export interface AgeFaceOptions {
  amount: AgeAmount
  signal?: AbortSignal
}

/** What was actually fed to the model, for provenance and the UI. */
export interface AgeParams {
  route: AgeRoute
  /** Latent step (latent route) or StyleGANEX `direction` value. */
  editFactor?: number
  /** SAM's target age. */
  targetAge?: number
}

export interface AgedFace {
  /** The crop to paste, colour-matched to the photo. */
  face: RgbImage
  /** Photo pixels -> `face` pixels (pass to pasteBack). */
  affine: Affine
  /** The model's 1024 output before resizing and colour matching. */
  raw: RgbImage
  params: AgeParams
}

/** Ages one face of `img` (given its 5 landmarks) with whichever route `models` holds. The photo is not modified. */
export async function ageFace(
  models: AgeModels,
  img: RgbImage,
  landmarks: Landmarks5,
  opts: AgeFaceOptions
): Promise<AgedFace> {
  throwIfAborted(opts.signal)
  switch (models.route) {
    case 'latent':
      return ageLatent(models, img, landmarks, opts)
    case 'sam':
      return ageSam(models, img, landmarks, opts)
    case 'styleganex':
      return ageStyleganex(models, img, landmarks, opts)
  }
}

/** FFHQ-quad affines: the 256 encoder crop and the paste crop at the face's own resolution. */
function latentGeometry(landmarks: Landmarks5): { m256: Affine; size: number; mPaste: Affine } {
  const m256 = alignAffine(landmarks, 'ffhq_quad', ENCODER_SIZE)
  const size = pasteSizeFor(ENCODER_SIZE / affineScale(m256))
  return { m256, size, mPaste: alignAffine(landmarks, 'ffhq_quad', size) }
}

async function finishLatent(
  out: Float32Array,
  img: RgbImage,
  geo: { size: number; mPaste: Affine },
  params: AgeParams
): Promise<AgedFace> {
  const raw = generatorImage(out)
  const fitted = await fitLatentOutput(raw, img, geo.mPaste, geo.size)
  const region = centreRegion(fitted, geo.mPaste, LATENT_PASTE_FRACTION)
  return { face: region.face, affine: region.affine, raw, params }
}

async function ageLatent(m: LatentAgeModels, img: RgbImage, lm: Landmarks5, opts: AgeFaceOptions): Promise<AgedFace> {
  const k = editFactorFor(opts.amount, m.calibration)
  const geo = latentGeometry(lm)
  const w = await encodeLatent(m.encoder, faceTensor(img, geo.m256, ENCODER_SIZE), m.averageLatent, opts.signal)
  const out = await synthesize(m.generator, editLatent(w, m.direction, k, m.layers), opts.signal)
  return finishLatent(out, img, geo, { route: 'latent', editFactor: k })
}

async function ageSam(m: SamAgeModels, img: RgbImage, lm: Landmarks5, opts: AgeFaceOptions): Promise<AgedFace> {
  const targetAge = targetAgeFor(opts.amount)
  const geo = latentGeometry(lm)
  const w = await encodeSam(m.encoder, m.pretrained, m.averageLatent, samTensor(img, geo.m256, targetAge), opts.signal)
  const out = await synthesize(m.generator, w, opts.signal)
  return finishLatent(out, img, geo, { route: 'sam', targetAge })
}

async function ageStyleganex(
  m: StyleganexAgeModels,
  img: RgbImage,
  lm: Landmarks5,
  opts: AgeFaceOptions
): Promise<AgedFace> {
  const direction = editFactorFor(opts.amount, m.calibration)
  const a = styleganexAffines(lm)
  const out = await runStyleganex(
    m.model,
    faceTensor(img, a.target, STYLEGANEX_TARGET_SIZE),
    faceTensor(img, a.background, STYLEGANEX_BACKGROUND_SIZE),
    direction,
    opts.signal
  )
  const raw = generatorImage(out)
  // Paste at the face's own resolution: the 384 transform scaled by size/384 (1024/384 for large faces).
  const size = pasteSizeFor(STYLEGANEX_BACKGROUND_SIZE / affineScale(a.background))
  const affine = size === GENERATOR_SIZE ? a.output : scaleAffineOutput(a.background, size / STYLEGANEX_BACKGROUND_SIZE)
  const resized = size === GENERATOR_SIZE ? raw : await resizeRgb(raw, size, size, 'lanczos3')
  const ref = warpAffineRgb(img, a.background, STYLEGANEX_BACKGROUND_SIZE, STYLEGANEX_BACKGROUND_SIZE, {
    border: 'replicate'
  })
  return { face: multiScaleColorTransfer(resized, ref), affine, raw, params: { route: 'styleganex', editFactor: direction } }
}
