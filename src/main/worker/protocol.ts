/**
 * The pipeline worker's typed protocol (worker_threads, same in Electron main and the CLI). Requests carry ids;
 * the worker answers each with exactly one result and any number of progress events; `cancel` names a request id.
 * Images cross as { width, height, data } whose buffer is transferred, not copied.
 */
import type { z } from 'zod'
import type { ModelInspection } from '../../shared/model-inspection'
import type { RequestType, restoreJobOptionsSchema } from './requests'
import type { CredentialsOutcome, CredentialsReport } from '../../shared/credentials'
import type { AppError } from '../../shared/errors'
import type { Face } from '../../shared/faces'
import type { Manifest } from '../../shared/model-manifest'
import type { CredentialsSettings } from '../core/credentials/worker-config'
import type { RgbImage } from '../core/image/types'
import type { FileJobSummary } from '../core/operations/types'
import type { PipelineProgress } from '../core/pipeline/progress'
import type { RestoreReport } from '../core/pipeline/restore-photo'
import type { ProviderPreference } from '../core/runtime/types'
import type { AgeReport } from '../core/stages/age/age-photo'
import type { ColorPhotoReport } from '../core/stages/color'
import type { FaceHelperInfo } from '../../shared/ipc/types'
import type { DamageRegion } from '../core/stages/repair/types'

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

/** Options of a restore file job (faces, strength, fidelity, mask, upscale); z.infer of its validator. */
export type RestoreJobOptions = z.infer<typeof restoreJobOptionsSchema>

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

/** A per-photo edit layer (its image stays in the worker). */
export interface PhotoLayerInfo {
  id: string
  op: string
  model: string
  params: Record<string, unknown>
  timings: Record<string, number>
}

/** One history step: what was done (`op` from the registry or a session step, faces, params) and its label. */
export interface HistoryStepInfo {
  op: string
  faces: number[]
  params: Record<string, unknown>
  label: string
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
  /** Per-photo edits (repair, colour, ...), oldest first: the base the face layers are composed on. */
  photoLayers: PhotoLayerInfo[]
  canUndo: boolean
  canRedo: boolean
  /** Every history step as data with its display label, oldest first ("open" first); `cursor` is the one shown now. */
  history: HistoryStepInfo[]
  cursor: number
  /** Whole-photo output scale the composed image has (1 = photo size). */
  outputScale: number
  /** The session's change counter: bumped by every change of what it shows, not by no-ops. */
  revision: number
  /** Per face: identity similarity / age bucket from the helper models (absent when none is installed). */
  faceInfo?: FaceHelperInfo[]
}

/** A damage detection as the editor shows it: the mask as PNG bytes and the regions found (image pixels). */
export interface DamageFound {
  mask: Uint8Array
  width: number
  height: number
  areaPercent: number
  regions: DamageRegion[]
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

/** What each worker request answers; the payloads are z.infer of their validators (./requests). */
export interface WorkerResponses {
  /** Any registry operation's file job: what the batch records of the file. */
  runFileJob: FileJobSummary
  restoreFile: RestoreReport
  /** `heirloom age`: decode -> detect -> age (-> restore) -> export, with its report. */
  ageFile: AgeReport
  /** Decodes a photo (the resolved real path of a file the user opened) and starts an edit session on it. */
  open: SessionInfo
  /** Finds faces (the registry's detect): on an untouched session they become its starting faces, else a step. */
  detect: SessionInfo
  /** The session as it is now (no change). */
  info: SessionInfo
  setFaces: SessionInfo
  /** Adds a face the user drew: the box is clipped to the photo and landmarks are placed by landmarksForBox. */
  addFaceBox: SessionInfo
  /** Deletes one face and its layers only; the other faces keep theirs. */
  removeFace: SessionInfo
  /** Any registry operation (restore, age, ...) as one history step. */
  applyOperation: SessionInfo
  /** Alias of applyOperation 'restore'. */
  restoreFaces: SessionInfo
  /** Alias of applyOperation 'age'. */
  ageFaces: SessionInfo
  /** The damage mask of the current base as PNG bytes (photo size, 255 = damaged) and what was found. */
  detectDamage: DamageFound
  /** The mask PNG the repair step at the history cursor used; null when that step is no repair. */
  repairMask: { mask: Uint8Array; width: number; height: number } | null
  /** Strength / visibility of existing layers: a re-blend, no model runs. */
  setLayers: SessionInfo
  undo: SessionInfo
  redo: SessionInfo
  gotoStep: SessionInfo
  /** The composed image at the session's output scale (or `scale`, which then becomes the session's). */
  compose: { image: ImagePayload }
  /** The original or the edited photo at most `maxSide` px on its longest side, encoded. */
  preview: EncodedPreview
  /** A rectangle (photo pixels) of the original or the edited photo at its native pixels, encoded. */
  region: EncodedRegion
  /**
   * Writes the composed photo: optionally only `crop` (photo pixels), as a before/after sheet, resized by `resize`.
   * Never over the opened original; metadata kept unless keepMetadata is false; provenance note unless false.
   */
  export: ExportResultInfo
  /** The colour edit on one file: decode -> fade/colourise -> write (the colour operation's file job). */
  colorFile: ColorPhotoReport
  /** Adds a model file to the store (contract-checked by opening it, which is why it runs here). */
  importModel: { id: string }
  /** `models inspect` for the Models panel: tensors, opset, SHA-256 and the verdict against the manifest contract. */
  inspectModel: ModelInspection
  /** Drops a cached model session (before the file is removed). */
  releaseModel: { released: true }
  /** Switches the execution provider; open photo sessions stay. */
  configure: { provider: ProviderPreference }
  /** A photo file's Content Credentials (C2PA), ours or another tool's. */
  readCredentials: CredentialsReport
  /** The provider the last model session actually got (worker-side state of the runtime). */
  runtimeInfo: { lastProvider?: string }
  close: { closed: boolean }
}

export type { RequestPayload, RequestType, ToWorker } from './requests'
export type ResponseValue<K extends RequestType> = WorkerResponses[K]

export type FromWorker =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: AppError }
  | { kind: 'progress'; id: number; event: PipelineProgress }

/** Buffers to transfer with a value: every image-looking { width, height, data | bytes: Uint8Array } inside it. */
export function transferablesOf(value: unknown, out: ArrayBuffer[] = [], depth = 0): ArrayBuffer[] {
  // Bytes that are not an image's (a mask PNG kept in history) are copied, never moved; and not walked per byte.
  if (!value || typeof value !== 'object' || depth > 3 || ArrayBuffer.isView(value)) return out
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
