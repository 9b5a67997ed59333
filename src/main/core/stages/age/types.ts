import type { ModelSession } from '../../runtime/types'
import type { AgeCalibration } from './calibration'
import type { LayerRange } from './latent'

export type AgeRoute = 'latent' | 'sam' | 'styleganex'

/** A session plus the name used in messages and provenance (manifest id or file name). */
export interface NamedSession {
  session: ModelSession
  label: string
}

/** e4e / pSp encoder + StyleGAN2 generator + an age direction. */
export interface LatentAgeModels {
  route: 'latent'
  encoder: NamedSession
  generator: NamedSession
  /** Full [18,512] direction (a [1,512] file is broadcast). */
  direction: Float32Array
  directionLabel: string
  /** Added to the encoder output when the encoder emits offsets from the average latent. */
  averageLatent?: Float32Array
  calibration: AgeCalibration
  layers: LayerRange
}

/** SAM: 4-channel age-conditioned encoder + pSp encoder + average latent + the StyleGAN2 generator. */
export interface SamAgeModels {
  route: 'sam'
  encoder: NamedSession
  /** SAM adds the pretrained pSp encoder's codes of the RGB crop and the average latent, always. */
  pretrained: NamedSession
  averageLatent: Float32Array
  generator: NamedSession
}

/** StyleGANEX-age as one graph (FaceFusion's export). */
export interface StyleganexAgeModels {
  route: 'styleganex'
  model: NamedSession
  calibration: AgeCalibration
}

export type AgeModels = LatentAgeModels | SamAgeModels | StyleganexAgeModels
