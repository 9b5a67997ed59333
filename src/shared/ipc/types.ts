import type { z } from 'zod'
import type { CredentialsOutcome } from '../credentials'
import type { Face } from '../faces'
import type { ProviderPreferenceName } from '../defaults'
import type { RequestSchemas } from './schemas'

/**
 * Request types are not written here: each is z.infer of its channel's schema in ./schemas (the validator main runs
 * before any handler), so the type and the check cannot drift apart. Responses and events have no schema (main
 * produces them), so they are plain interfaces below.
 */
type Parsed<C extends keyof RequestSchemas> = z.infer<RequestSchemas[C]>

export type PhotoRef = Parsed<'getEditState'>
export type PreviewRequest = Parsed<'getPreview'>
/** A rectangle of the photo at its own pixels, for views zoomed past the preview's resolution. */
export type RegionRequest = Parsed<'getRegion'>
export type DetectRequest = Parsed<'detectFaces'>
export type RestoreRequest = Parsed<'restoreFaces'>
export type FaceChoice = RestoreRequest['faces']
export type AgeRequest = Parsed<'ageFaces'>
export type ExportOptions = Parsed<'exportPhoto'>
export type BatchRequest = Parsed<'runBatch'>
export type BatchOperation = BatchRequest['operation']
/** Aging a folder (as `heirloom age <folder>`): route and amount; the request's `strength` is the age strength. */
export type BatchAgeParams = NonNullable<BatchRequest['age']>
/** A repair batch's settings: the automatic mask's sensitivity and the inpainting method. */
export type BatchRepairParams = NonNullable<BatchRequest['repair']>
/** A colour batch's settings: the colour operation's params (fade correction and/or colourisation). */
export type BatchColorParams = NonNullable<BatchRequest['color']>
export type SettingsPatch = Parsed<'updateSettings'>
/** A Redis/BullMQ queue watched read-only from the Batch panel (`heirloom worker`s do the work). */
export type QueueWatchRequest = Parsed<'watchQueue'>
/**
 * Any operation of the registry on an open photo (restore, age, and those to come). `params` are checked with that
 * operation's own zod schema (main before the handler, the worker again); `faces`/`strength` are for per-face ones.
 */
export type ApplyOperationRequest = Parsed<'applyOperation'>

export interface AppInfo {
  name: string
  version: string
  platform: string
  electron?: string
  node: string
  modelsDir: string
}

export interface OpenedPhoto {
  photoId: string
  fileName: string
  /** Oriented size in image pixels. */
  width: number
  height: number
  bytes: number
  format: string
  grayscale: boolean
}

/** The region as rendered: `rect` is what was actually cut (integer photo pixels), at one pixel per photo pixel. */
export interface RegionImage extends PreviewImage {
  rect: [number, number, number, number]
}

export interface PreviewImage {
  mime: 'image/png' | 'image/jpeg'
  bytes: Uint8Array
  /** Size of the encoded preview; scale = width / OpenedPhoto.width. */
  width: number
  height: number
}

export interface FacesResult {
  photoId: string
  faces: Face[]
  /** Clockwise rotation (degrees) at which the faces were found, when a rotation search ran. */
  rotation: number
}

export interface JobProgress {
  jobId: string
  kind: string
  /** 0..1 */
  fraction: number
  stage: string
  message?: string
  done?: boolean
  /** Per-face / per-tile position, when the stage has one. */
  index?: number
  total?: number
  /** The step inside the current face; 'model' has no fraction of its own (an indeterminate bar). */
  step?: FaceStep
}

export type FaceStep = 'detect' | 'align' | 'model' | 'paste'

/** Faces of a photo plus its edit layers and history, as the renderer shows them. */
export interface EditLayerInfo {
  /** Opaque and stable for the photo's session (minted by the worker's edit session). */
  id: string
  /** Operation id from the registry ('restore', 'age', ...). */
  op: string
  faceIndex: number
  model: string
  /** 0..1 blend of the model's raw result over the photo. */
  strength: number
  enabled: boolean
  params: Record<string, unknown>
}

/** One history step as data (what the worker's session recorded) and its display label, derived from it. */
export interface HistoryStep {
  label: string
  /** Operation id ('restore', 'age', ...) or a session step ('open', 'detect', 'delete-face', 'strength', ...). */
  op: string
  /** Face indices the step touched (from 0). */
  faces: number[]
  params: Record<string, unknown>
}

/** A per-photo edit (repair, colour, ...): the base the face layers are composed on. */
export interface PhotoLayerInfo {
  id: string
  op: string
  model: string
  params: Record<string, unknown>
}

export interface EditState {
  photoId: string
  faces: Face[]
  rotation: number
  layers: EditLayerInfo[]
  /** Per-photo edits, oldest first (applied before the face layers). */
  photoLayers: PhotoLayerInfo[]
  /** Every step, oldest first; steps[0] is "Open" (the untouched original). */
  history: HistoryStep[]
  /** Index of the step shown now; steps after it can be redone. */
  cursor: number
  /** Bumped whenever the composed image changes, so the renderer knows to fetch a new preview. */
  revision: number
  /** Size of the composed image (larger than the photo when an output scale is set). */
  outputScale: number
  /** The photo as edited is still black and white (a colourising edit makes it colour; undo brings gray back). */
  grayscale: boolean
  /** Per face (same order as `faces`): identity similarity and age bucket from the helper models, when installed. */
  faceInfo?: FaceHelperInfo[]
}

/** What the helper models say about one face. Never race or gender. */
export interface FaceHelperInfo {
  /** SFace cosine similarity original vs the face as composed now (only for a face with edits). */
  similarity?: number
  /** similarity >= 0.363 (OpenCV's same-person threshold). */
  samePerson?: boolean
  /** The FairFace age bucket of the original face, e.g. "30-39", and its middle in years (to prefill an age field). */
  ageBucket?: string
  ageYears?: number
  /** Keep identity's last outcome on this face. */
  keep?: { reached: boolean; fromStrength: number; toStrength: number; min: number }
}

/** Damage detection requests: the photo and a sensitivity 0 (only obvious damage) .. 1 (all that might be). */
export type DetectDamageRequest = Parsed<'detectDamage'>

/** A mask image: PNG bytes of the photo's own size (before any output scale), non-zero = damaged. */
export interface RepairMaskImage {
  mask: Uint8Array
  width: number
  height: number
}

/** One connected piece of a detected damage mask, image pixels [x, y, w, h]. */
export interface DamageRegionInfo {
  kind: 'scratch' | 'dust' | 'tear'
  box: [number, number, number, number]
  /** Masked pixels of this region. */
  area: number
}

export interface DamageDetection extends RepairMaskImage {
  /** Masked pixels as % of the photo. */
  areaPercent: number
  regions: DamageRegionInfo[]
}

export interface AgeRouteInfo {
  id: AgeRequest['route']
  name: string
  installed: boolean
  /** Model ids this route needs. */
  models: string[]
  /**
   * What the route's model takes: a change in years (a target age then needs the current age) or a target age
   * (a change in years then needs the current age).
   */
  edits: 'years' | 'target-age'
  /**
   * Whether a number of years means anything on this route: SAM takes a real age; e4e and StyleGANEX move along a
   * direction by a factor nobody has measured in years unless the manifest marks its latentPerYear `calibrated`.
   */
  yearsCalibrated: boolean
  /** Edit factor per year the route assumes (the uncalibrated guess unless yearsCalibrated); SAM: none. */
  factorPerYear?: number
}

export interface ExportResult {
  fileName: string
  /** Folder shown to the user; never used by the renderer to read. */
  folder: string
  bytes: number
  width: number
  height: number
  /** Whether the file carries Content Credentials, and if not why. */
  credentials?: CredentialsOutcome
}

export type ModelState = 'installed' | 'missing' | 'downloading' | 'invalid'

export interface ModelInfo {
  id: string
  name: string
  kind: string
  family: string
  size?: number
  license: string
  commercialUse: boolean
  state: ModelState
  isDefault: boolean
  custom: boolean
  description?: string
}

export interface ModelsOverview {
  models: ModelInfo[]
  /** The execution provider actually used by the last session (e.g. 'cpu', 'cuda'), when any ran. */
  providerInUse?: string
  providersSupported: string[]
  providerPreference: string
  ortVersion: string
}

export interface ModelProgress {
  id: string
  received: number
  total?: number
  done?: boolean
  error?: { code: string; message: string }
}

export interface FolderChoice {
  /** Display name of the folder. */
  name: string
  folder: string
  /** Images found (for inputs). */
  images?: number
  /** Output folders: photos an earlier, interrupted batch finished there (its journal), which a run may resume. */
  resumable?: number
}

export type BatchRowStatus = 'ok' | 'no-face' | 'error' | 'skipped'

export interface BatchRow {
  file: string
  status: BatchRowStatus
  faces?: number
  output?: string
  code?: string
  reason?: string
  /** Why a resumed run did this photo again (it changed, the settings changed, its output was missing). */
  note?: string
}

export interface BatchProgress {
  jobId: string
  done: number
  total: number
  /** Estimated milliseconds left, when known. */
  etaMs?: number
  current?: string
  paused: boolean
  row?: BatchRow
  finished?: boolean
}

export interface BatchSummary {
  jobId: string
  rows: BatchRow[]
  cancelled: boolean
  outputFolder: string
  /** Entries of the input folder not taken (other file types, links leaving the folder...), with why. */
  notTaken?: { file: string; reason: string }[]
}

export type ThemeSetting = 'system' | 'light' | 'dark'

export interface SettingsView {
  provider: ProviderPreferenceName
  theme: ThemeSetting
  defaultRestorer?: string
  defaultUpscaler?: string
  /** Display only; set through the choose-folder dialog. */
  outputFolder?: string
  /** Photos an unfinished batch finished in outputFolder (its journal): the Batch panel offers to resume. */
  outputResumable?: number
  /** Content Credentials (C2PA) on every export (the XMP provenance note is written either way). */
  contentCredentials: boolean
  /** The owner's name on a newly created signing identity. */
  ownerName?: string
  recent: RecentFile[]
}

export interface RecentFile {
  fileName: string
  folder: string
}

export interface QueueWatchView {
  queue: string
  /** The server as it may be shown: the password is never sent back. */
  server: string
  counts: { waiting: number; active: number; delayed: number; completed: number; failed: number; prioritized: number }
}
