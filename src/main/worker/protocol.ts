import type { ModelInspection } from '../../shared/model-inspection'
/**
 * The pipeline worker's typed protocol (worker_threads, same in Electron main and the CLI). Requests carry ids;
 * the worker answers each with exactly one result and any number of progress events; `cancel` names a request id.
 * Images cross as { width, height, data } whose buffer is transferred, not copied.
 */
import type { CredentialsOutcome, CredentialsReport } from '../../shared/credentials'
import type { AppError } from '../../shared/errors'
import type { BoxXYWH, Face } from '../../shared/faces'
import type { Manifest } from '../../shared/model-manifest'
import type { CredentialsSettings } from '../core/credentials/worker-config'
import type { OutputFormat } from '../core/image/encode'
import type { RgbImage } from '../core/image/types'
import type { FaceChoice } from '../core/pipeline/face-selection'
import type { PipelineProgress } from '../core/pipeline/progress'
import type { RecipeStep } from '../core/pipeline/recipe-steps'
import type { RestoreModelChoice } from '../core/pipeline/restore-deps'
import type { RestoreReport } from '../core/pipeline/restore-photo'
import type { ProviderPreference } from '../core/runtime/types'
import type { AgeReport } from '../core/stages/age/age-photo'
import type { AgeAmount } from '../core/stages/age/calibration'
import type { AgeModelChoice } from '../core/stages/age/models'
import type { DetectOptions } from '../core/stages/detect'
import type { PasteRegions } from '../core/pipeline/face-helpers'
import type { FaceHelperInfo } from '../../shared/ipc/types'
import type { PasteMask } from '../core/warp/paste'
import type { AgeJobSpec } from './age-job'

export type ImagePayload = RgbImage

export interface WorkerInit {
  modelsDir?: string
  provider?: ProviderPreference
  autoDownload?: boolean
  /** Download non-commercial models without asking (the CLI's --accept-license). */
  acceptLicences?: boolean
  /** A manifest instead of the bundled one (tests point its URLs at a local server). */
  manifest?: Manifest
  /** Content Credentials on exports (absent: off). */
  credentials?: WorkerCredentials
}

/** Whether exports carry Content Credentials, and where the signing identity lives. */
export type WorkerCredentials = CredentialsSettings

export interface RestoreJobOptions {
  faces?: FaceChoice
  faceList?: Face[]
  strength?: number
  fidelity?: number
  colorTransfer?: boolean
  mask?: PasteMask
  upscale?: number
  /** Paste-back box or face regions (default regions when a face parser is installed). */
  paste?: PasteRegions
  /** Keep identity: re-blend until the SFace similarity reaches this. */
  minIdentity?: number
}

/** What the UI needs about one layer (pixels stay in the worker until compose). */
export interface LayerInfo {
  id: string
  faceIndex: number
  op: string
  model: string
  params: Record<string, unknown>
  strength: number
  enabled: boolean
  timings: Record<string, number>
}

export interface SessionInfo {
  sessionId: string
  width: number
  height: number
  grayscale: boolean
  faces: Face[]
  /** Clockwise turn under which the last detection found the faces (0 when upright or never detected). */
  rotation: number
  layers: LayerInfo[]
  canUndo: boolean
  canRedo: boolean
  /** Every history step's label, oldest first ("open" first); `cursor` is the one shown now. */
  history: string[]
  cursor: number
  /** Whole-photo output scale the composed image has (1 = photo size). */
  outputScale: number
  /** Per face: identity similarity / age bucket from the helper models (absent when none is installed). */
  faceInfo?: FaceHelperInfo[]
}

/** Options of a face edit inside an open session. */
export interface FaceEditOptions {
  faces?: FaceChoice
  strength?: number
  mask?: PasteMask
}

/** An encoded preview (PNG when small enough to stay pixel-exact, JPEG otherwise). */
export interface EncodedPreview {
  mime: 'image/png' | 'image/jpeg'
  bytes: Uint8Array
  width: number
  height: number
}

/** A region of the photo at native pixels; `rect` is what was cut, in photo pixels. */
export interface EncodedRegion extends EncodedPreview {
  rect: [number, number, number, number]
}

export interface ExportResultInfo {
  output: string
  bytes: number
  width: number
  height: number
  credentials?: CredentialsOutcome
}

/** Request type -> [payload, response]. */
export interface WorkerApi {
  restoreFile: [
    {
      input: string
      output: string
      choice: RestoreModelChoice
      options: RestoreJobOptions & {
        overwrite?: boolean
        format?: OutputFormat
        quality?: number
        /** Folders the output must not be inside (a batch's input folder). */
        inputRoots?: string[]
        /** A recipe around the restore step (repair and colour first, colourise after). */
        steps?: RecipeStep[]
      }
    },
    RestoreReport
  ]
  /** Decodes a photo (the resolved real path of a file the user opened) and starts an edit session on it. */
  /** `heirloom age`: decode -> detect -> age (-> restore) -> export, with its report. */
  ageFile: [
    {
      input: string
      output: string
      spec: AgeJobSpec
      options: {
        amount: AgeAmount
        faces?: FaceChoice
        strength?: number
        restoreStrength?: number
        overwrite?: boolean
        /** Folders the output must not be inside (a batch's input folder). */
        inputRoots?: string[]
      }
    },
    AgeReport
  ]
  open: [{ input: string; faces?: Face[] }, SessionInfo]
  /** Finds faces; on an untouched session they become its starting faces, otherwise a history step. */
  detect: [{ sessionId: string; detect?: Omit<DetectOptions, 'signal'> }, SessionInfo]
  /** The session as it is now (no change). */
  info: [{ sessionId: string }, SessionInfo]
  setFaces: [{ sessionId: string; faces: Face[] }, SessionInfo]
  /** Adds a face the user drew: the box is clipped to the photo and landmarks are placed by landmarksForBox. */
  addFaceBox: [{ sessionId: string; box: BoxXYWH; detector?: string }, SessionInfo]
  /** Deletes one face and its layers only; the other faces keep theirs. */
  removeFace: [{ sessionId: string; index: number }, SessionInfo]
  restoreFaces: [
    {
      sessionId: string
      choice: RestoreModelChoice
      options: Omit<RestoreJobOptions, 'faceList' | 'upscale'>
      /** Output scale to set after the faces (its background is choice.bgUpscaler, else Lanczos). */
      outputScale?: number
    },
    SessionInfo
  ]
  /** Age edit per face (openAgeModels + ageOperation), optionally followed by a restore of the same faces. */
  ageFaces: [
    {
      sessionId: string
      choice: AgeModelChoice
      amount: AgeAmount
      options: FaceEditOptions
      restoreAfter?: { choice: RestoreModelChoice; strength?: number }
    },
    SessionInfo
  ]
  /** Strength / visibility of existing layers: a re-blend, no model runs. */
  setLayers: [{ sessionId: string; layerIds: string[]; strength?: number; enabled?: boolean }, SessionInfo]
  undo: [{ sessionId: string }, SessionInfo]
  redo: [{ sessionId: string }, SessionInfo]
  gotoStep: [{ sessionId: string; index: number }, SessionInfo]
  /** The composed image at the session's output scale (or `scale`, which then becomes the session's). */
  compose: [{ sessionId: string; scale?: number; bgUpscaler?: string }, { image: ImagePayload }]
  /** The original or the edited photo at most `maxSide` px on its longest side, encoded. */
  preview: [{ sessionId: string; variant: 'original' | 'edited'; maxSide?: number }, EncodedPreview]
  /** A rectangle (photo pixels) of the original or the edited photo at its native pixels, encoded. */
  region: [{ sessionId: string; variant: 'original' | 'edited'; rect: [number, number, number, number] }, EncodedRegion]
  /**
   * Writes the composed photo: optionally only `crop` (photo pixels), as a before/after sheet, resized by `resize`.
   * Never over the opened original; metadata kept unless keepMetadata is false; provenance note unless false.
   */
  export: [
    {
      sessionId: string
      output: string
      scale?: number
      bgUpscaler?: string
      overwrite?: boolean
      format?: OutputFormat
      quality?: number
      crop?: BoxXYWH
      beforeAfterSheet?: boolean
      resize?: number
      keepMetadata?: boolean
      provenance?: boolean
      /** Other files never written (every photo open in the app). */
      protectedPaths?: string[]
    },
    ExportResultInfo
  ]
  /** Batch "detect and crop": every face of `input` saved as its own file in outDir (names never reused). */
  cropFile: [
    { input: string; inDir: string; outDir: string; ext: string; aspect: '1:1' | '4:5' | '3:4' | 'passport' },
    { faces: number; outputs: string[] }
  ]
  /** Adds a model file to the store (contract-checked by opening it, which is why it runs here). */
  importModel: [{ idOrKind: string; file: string }, { id: string }]
  /** `models inspect` for the Models panel: tensors, opset, SHA-256 and the verdict against the manifest contract. */
  inspectModel: [{ idOrFile: string }, ModelInspection]
  /** Drops a cached model session (before the file is removed). */
  releaseModel: [{ path: string }, { released: true }]
  /** Switches the execution provider; open photo sessions stay. */
  configure: [{ provider: ProviderPreference; credentials?: WorkerCredentials }, { provider: ProviderPreference }]
  /** A photo file's Content Credentials (C2PA), ours or another tool's. */
  readCredentials: [{ path: string }, CredentialsReport]
  /** The provider the last model session actually got (worker-side state of the runtime). */
  runtimeInfo: [Record<string, never>, { lastProvider?: string }]
  close: [{ sessionId: string }, { closed: boolean }]
}

export type RequestType = keyof WorkerApi
export type RequestPayload<K extends RequestType> = WorkerApi[K][0]
export type ResponseValue<K extends RequestType> = WorkerApi[K][1]

export type ToWorker =
  | { kind: 'request'; id: number; type: RequestType; payload: unknown }
  | { kind: 'cancel'; id: number }
  /** Cancel everything, let a running model finish its current run, free the sessions, then end the thread. */
  | { kind: 'shutdown' }

export type FromWorker =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: AppError }
  | { kind: 'progress'; id: number; event: PipelineProgress }

/** Buffers to transfer with a value: every image-looking { width, height, data | bytes: Uint8Array } inside it. */
export function transferablesOf(value: unknown, out: ArrayBuffer[] = [], depth = 0): ArrayBuffer[] {
  if (!value || typeof value !== 'object' || depth > 3) return out
  const v = value as { data?: unknown; bytes?: unknown; width?: unknown; height?: unknown }
  const pixels = v.data instanceof Uint8Array ? v.data : v.bytes instanceof Uint8Array ? v.bytes : undefined
  if (pixels && typeof v.width === 'number' && typeof v.height === 'number') {
    const buf = pixels.buffer
    // Only a buffer the image owns alone can move; a pooled slice would detach unrelated data.
    if (
      buf instanceof ArrayBuffer &&
      pixels.byteOffset === 0 &&
      pixels.byteLength === buf.byteLength &&
      !out.includes(buf)
    )
      out.push(buf)
    return out
  }
  for (const x of Object.values(value as Record<string, unknown>)) transferablesOf(x, out, depth + 1)
  return out
}

/** Makes an image transferable (own buffer) before posting it. */
export function ownedImage(img: RgbImage): ImagePayload {
  const d = img.data
  const owns = d.byteOffset === 0 && d.buffer instanceof ArrayBuffer && d.byteLength === d.buffer.byteLength
  return { width: img.width, height: img.height, data: owns ? d : d.slice() }
}
