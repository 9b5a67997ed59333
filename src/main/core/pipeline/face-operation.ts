import type { Affine, Face } from '../geometry/types'
import type { RgbImage } from '../image/types'
import type { ProviderId } from '../runtime/types'
import type { CropMask } from '../warp/paste'
import type { FaceStep } from './progress'

export interface FaceOpContext {
  signal?: AbortSignal
  /** The photo is grayscale: results must stay gray. */
  grayscale: boolean
  /** Called as the face moves through align -> model -> paste, for progress inside a face. */
  onStep?: (step: FaceStep) => void
}

export interface FaceOpResult {
  /** The edited face crop (what gets pasted back). */
  crop: RgbImage
  /** Image pixels -> crop pixels at scale 1. */
  affine: Affine
  /** Milliseconds per step, e.g. { align, model, post }. */
  timings: Record<string, number>
  /** Parameters as they actually applied (e.g. fidelity 'fixed'); merged into the layer's params. */
  applied?: Record<string, unknown>
  /** Face-region paste mask in crop space (face parsing); the paste takes min(box mask, this). */
  regionMask?: CropMask
}

/**
 * One per-face edit (restore, age, ...): the edit session runs it per face and keeps its result as a layer.
 * Implementations only produce the crop + affine; pasting, strength, history and export are the session's job.
 */
export interface FaceOperation {
  readonly op: string
  /** Manifest id (or file name) of the model, for the layer and the provenance note. */
  readonly model: string
  readonly params: Readonly<Record<string, unknown>>
  readonly provider?: ProviderId
  runFace(img: RgbImage, face: Face, ctx: FaceOpContext): Promise<FaceOpResult>
}
