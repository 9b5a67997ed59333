/** The restore job's shapes (deps, options, report), apart from its code so the recipe runner and the restore job
 * can share them without importing each other. */
import type { ErrorCode } from '../../../shared/errors'
import type { CredentialsOutcome } from '../credentials/embed'
import type { Engine, LoadedModel } from '../engine'
import type { BoxXYWH, Face } from '../geometry/types'
import type { ProviderId } from '../runtime/types'
import type { ProvenanceOp } from '../image/provenance'
import type { PasteMask } from '../warp/paste'
import type { BackgroundUpscaler } from './background'
import type { FaceHelperReport, HelperModels, PasteRegions } from './face-helpers'
import type { FaceChoice } from './face-selection'
import type { ProgressSink } from './progress'
import type { FaceFinder } from './resolve-faces'

/** What one step did, in recipe order (the `--json` report's `steps`). */
export type StepReport =
  | {
      op: 'repair'
      method: string
      mask: 'auto' | 'file'
      areaPercent: number
      regions?: number
      changed: boolean
      ms: number
    }
  | {
      op: 'color'
      fade?: { mode: string; strength: number }
      colorize?: { model: string; renderSize: number; blend: number }
      grayscale: boolean
      ms: number
    }
  | { op: 'restore'; model: string; faces: number; ms: number }

export interface RestoreJobDeps {
  restorer: LoadedModel
  findFaces?: FaceFinder
  background?: BackgroundUpscaler
  /** Identity / age / face-parsing helpers that are installed (openHelpers). */
  helpers?: HelperModels
  /** Opens the models of a recipe's other steps (colouriser, LaMa). */
  engine?: Pick<Engine, 'openModel'>
}

export interface RestorePhotoOptions {
  /** Caller-supplied faces (user-drawn or adjusted); skips detection. */
  faceList?: readonly Face[]
  faces?: FaceChoice
  strength?: number
  fidelity?: number
  colorTransfer?: boolean
  mask?: PasteMask
  /** Output scale of the whole photo (1, 2, 4). */
  upscale?: number
  /** Paste-back "box" or "face regions" (default: regions when a face parser is installed). */
  paste?: PasteRegions
  /** Keep identity: lower the blend until the SFace similarity reaches this (re-blend, no model run). */
  minIdentity?: number
  signal?: AbortSignal
  onProgress?: ProgressSink
}

export interface FaceReport {
  index: number
  box: BoxXYWH
  score: number
  source: 'detector' | 'user'
  restored: boolean
  /** Why a chosen face was left unedited (its model output was unusable: NaN/Inf). */
  failed?: { code: ErrorCode; message: string }
  layerId?: string
  timings?: Record<string, number>
  /** SFace similarity original vs result (and what Keep identity did); age bucket of the original face. */
  identity?: FaceHelperReport['identity']
  age?: FaceHelperReport['age']
  /** The blend strength the face ended with (Keep identity may lower it). */
  strength?: number
}

export interface RestoreReport {
  width: number
  height: number
  outputWidth: number
  outputHeight: number
  faces: FaceReport[]
  model: { id: string; provider: ProviderId; fidelity: number | 'fixed' }
  credentials?: CredentialsOutcome
  detector?: string
  background: { id: string; scale: number }
  /** What had to be left out, in words (e.g. metadata too large, dropped). */
  notes?: string[]
  /** Extra provenance entries (the identity check). */
  provenance?: ProvenanceOp[]
  /** A recipe's steps in the order they ran (repair, colour, restore, ...); absent for a plain restore. */
  steps?: StepReport[]
  timings: {
    decode?: number
    detect: number
    faces: number
    background: number
    compose?: number
    export?: number
    total: number
  }
}
