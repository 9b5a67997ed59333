import { throwIfAborted } from '../../errors'
import { affineScale } from '../../geometry/affine'
import { alignAffine } from '../../geometry/templates'
import type { Affine, Landmarks5 } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { applyTables, lowFrequencyTransfer, meanStdTables, planarToRgb } from './colour-fit'
import { editFactorFor, targetAgeFor, type AgeAmount } from './calibration'
import { editLatent } from './latent'
import { centreSquare, generatorImage, pasteRegion, resizedAffine } from './postprocess'
import { ENCODER_SIZE, faceTensor, GENERATOR_SIZE, samTensor } from './preprocess'
import { encodeLatent, encodeSam, runStyleganex, synthesize } from './run'
import { STYLEGANEX_BACKGROUND_SIZE, STYLEGANEX_TARGET_SIZE, styleganexAffines } from './styleganex-geometry'
import type { AgeModels, AgeRoute, LatentAgeModels, SamAgeModels, StyleganexAgeModels } from './types'

/**
 * Centred part of the model output pasted back. Latent routes: the FFHQ quad is ~4 eye distances wide, mostly
 * hair and background StyleGAN does not reproduce; 0.8 keeps the face and some hair. StyleGANEX handles the
 * background itself; 0.85 with the feather mask is close to FaceFusion's box mask (7.5 % border zeroed, then blurred).
 */
export const LATENT_PASTE_FRACTION = 0.8
export const STYLEGANEX_PASTE_FRACTION = 0.85

export interface AgeFaceOptions {
  amount: AgeAmount
  signal?: AbortSignal
  /** Progress inside the face: align, then the model runs, then the paste-ready crop. */
  onStep?: (step: 'align' | 'model' | 'paste') => void
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
  /** The model's output (1024 for the latent routes, S x S for StyleGANEX) before resizing and colour matching. */
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
  opts.onStep?.('align')
  switch (models.route) {
    case 'latent':
      return ageLatent(models, img, landmarks, opts)
    case 'sam':
      return ageSam(models, img, landmarks, opts)
    case 'styleganex':
      return ageStyleganex(models, img, landmarks, opts)
  }
}

async function finishLatent(
  out: Float32Array,
  input: Float32Array,
  m256: Affine,
  params: AgeParams
): Promise<AgedFace> {
  const raw = generatorImage(out)
  const m1024 = resizedAffine(m256, GENERATOR_SIZE / ENCODER_SIZE)
  const region = await pasteRegion(raw, m1024, LATENT_PASTE_FRACTION, 1 / affineScale(m1024))
  // Colour statistics matched to the encoder's 256 crop (StyleGAN drifts in tint; sepia and faded photos stay so).
  const face = applyTables(region.face, meanStdTables(raw, planarToRgb(input, ENCODER_SIZE)))
  return { face, affine: region.affine, raw, params }
}

async function ageLatent(m: LatentAgeModels, img: RgbImage, lm: Landmarks5, opts: AgeFaceOptions): Promise<AgedFace> {
  const k = editFactorFor(opts.amount, m.calibration)
  const m256 = alignAffine(lm, 'ffhq_quad', ENCODER_SIZE)
  const input = faceTensor(img, m256, ENCODER_SIZE)
  opts.onStep?.('model')
  const w = await encodeLatent(m.encoder, input, m.averageLatent, opts.signal)
  const out = await synthesize(m.generator, editLatent(w, m.direction, k, m.layers), opts.signal)
  opts.onStep?.('paste')
  return finishLatent(out, input, m256, { route: 'latent', editFactor: k })
}

async function ageSam(m: SamAgeModels, img: RgbImage, lm: Landmarks5, opts: AgeFaceOptions): Promise<AgedFace> {
  const targetAge = targetAgeFor(opts.amount)
  const m256 = alignAffine(lm, 'ffhq_quad', ENCODER_SIZE)
  const input = samTensor(img, m256, targetAge)
  opts.onStep?.('model')
  const w = await encodeSam(m.encoder, m.pretrained, m.averageLatent, input, opts.signal)
  const out = await synthesize(m.generator, w, opts.signal)
  opts.onStep?.('paste')
  return finishLatent(out, input, m256, { route: 'sam', targetAge })
}

async function ageStyleganex(
  m: StyleganexAgeModels,
  img: RgbImage,
  lm: Landmarks5,
  opts: AgeFaceOptions
): Promise<AgedFace> {
  const direction = editFactorFor(opts.amount, m.calibration)
  const a0 = styleganexAffines(lm)
  const background = faceTensor(img, a0.background, STYLEGANEX_BACKGROUND_SIZE)
  opts.onStep?.('model')
  const out = await runStyleganex(
    m.model,
    faceTensor(img, a0.target, STYLEGANEX_TARGET_SIZE),
    background,
    direction,
    opts.signal
  )
  opts.onStep?.('paste')
  const raw = planarToRgb(out.data, out.size)
  const a = styleganexAffines(lm, out.size)
  // Pasted with the 384 transform scaled by S/384, shrunk straight to the face's own resolution with area
  // filtering, as FaceFusion shrinks the output with cv2.INTER_AREA (one resampling instead of two).
  const region = await pasteRegion(raw, a.output, STYLEGANEX_PASTE_FRACTION, 1 / affineScale(a.output), 'area')
  // Colour-matched to the same part of the 384 crop the model saw (multi-scale mean-colour transfer).
  const ref = centreSquare(planarToRgb(background, STYLEGANEX_BACKGROUND_SIZE), STYLEGANEX_PASTE_FRACTION).img
  const face = lowFrequencyTransfer(region.face, ref)
  const affine = region.affine
  return { face, affine, raw, params: { route: 'styleganex', editFactor: direction } }
}
