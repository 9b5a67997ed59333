/**
 * Age editing: three routes behind one interface.
 * - latent: e4e/pSp encoder -> w+ + k * age direction -> StyleGAN2 generator
 * - sam: age-conditioned 4-channel encoder (+ pSp codes + average latent) -> StyleGAN2 generator
 * - styleganex: one graph taking the 256 ffhq crop, the 384 styleganex crop and a scalar direction
 * ageFace() ages one face; ageOperation() plugs it into the edit session; agePhoto()/ageFile() run photo jobs.
 */
export {
  ageFace,
  LATENT_PASTE_FRACTION,
  STYLEGANEX_PASTE_FRACTION,
  type AgedFace,
  type AgeFaceOptions,
  type AgeParams
} from './age-face'
export { ageModelLabel, ageOperation } from '../../operations/age/face-operation'
export {
  ageFile,
  agePhoto,
  DEFAULT_AGE_STRENGTH,
  DEFAULT_RESTORE_AFTER_STRENGTH,
  type AgeFaceReport,
  type AgeFileOptions,
  type AgeJobDeps,
  type AgePhotoOptions,
  type AgeReport
} from './age-photo'
export { ageOptionsOf, calibrationOf, type AgeModelOptions } from './age-options'
export {
  ageChannelValue,
  DEFAULT_LATENT_CALIBRATION,
  DEFAULT_STYLEGANEX_CALIBRATION,
  editFactorFor,
  targetAgeFor,
  type AgeAmount,
  type AgeCalibration
} from './calibration'
export { loadDirectionFile } from './direction'
export {
  DEFAULT_TRUNCATION,
  estimateAverageW,
  generateFace,
  latentForSeed,
  openGenerateModels,
  type GenerateChoice,
  type GenerateModels,
  type GenerateOptions
} from './generate'
export { broadcastToLayers, editLatent, LATENT_DIM, NUM_LAYERS, type LayerRange } from './latent'
export { parseLayerRange } from './layer-range'
export { openAgeModels, type AgeModelChoice, type ModelSlot } from './models'
export type { AgeModels, AgeRoute, LatentAgeModels, NamedSession, SamAgeModels, StyleganexAgeModels } from './types'
