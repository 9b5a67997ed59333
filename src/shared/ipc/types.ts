import type { CredentialsOutcome } from '../credentials'
import type { Face } from '../faces'

/** Payload and result types of the IPC contract. Validators for the requests live in ./schemas. */
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

export interface PreviewRequest {
  photoId: string
  variant: 'original' | 'edited'
  /** Longest side of the preview in pixels; the full image when omitted (capped by main). */
  maxSide?: number
}

/** A rectangle of the photo at its own pixels, for views zoomed past the preview's resolution. */
export interface RegionRequest {
  photoId: string
  variant: 'original' | 'edited'
  /** [x, y, w, h] in photo pixels (clipped to the photo; at most REGION_MAX_SIDE per side). */
  rect: [number, number, number, number]
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

export interface PhotoRef {
  photoId: string
}

export interface FacesResult {
  photoId: string
  faces: Face[]
  /** Clockwise rotation (degrees) at which the faces were found, when a rotation search ran. */
  rotation: number
}

export interface DetectRequest {
  photoId: string
  detector?: string
  minScore?: number
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
  id: string
  op: 'restore' | 'age'
  faceIndex: number
  model: string
  /** 0..1 blend of the model's raw result over the photo. */
  strength: number
  enabled: boolean
  params: Record<string, unknown>
}

export interface HistoryStep {
  label: string
}

export interface EditState {
  photoId: string
  faces: Face[]
  rotation: number
  layers: EditLayerInfo[]
  /** Every step, oldest first; steps[0] is "Open" (the untouched original). */
  history: HistoryStep[]
  /** Index of the step shown now; steps after it can be redone. */
  cursor: number
  /** Bumped whenever the composed image changes, so the renderer knows to fetch a new preview. */
  revision: number
  /** Size of the composed image (larger than the photo when an output scale is set). */
  outputScale: number
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

export type FaceChoice = 'all' | number[]

export interface RestoreRequest {
  photoId: string
  /** Minted by the renderer so it can cancel before the call returns. */
  jobId: string
  faces: FaceChoice
  model: string
  strength: number
  fidelity?: number
  /** Whole-photo output scale (1 = same size). */
  outputScale?: 1 | 2 | 4
  /** Background upscaler model id, or null for plain Lanczos when scaling. */
  backgroundUpscaler?: string | null
  /** Keep identity: lower the blend until the face is still the same person (SFace similarity >= 0.363). */
  keepIdentity?: boolean
  /** Paste-back: the box, or only the face's skin and features (face parser). */
  paste?: 'box' | 'regions'
}

export interface AgeRequest {
  photoId: string
  jobId: string
  faces: FaceChoice
  route: string
  model?: string
  /** Years to add (positive) or remove (negative); -40..40. */
  years: number
  /** Target age instead of a change in years. */
  targetAge?: number
  /** The person's age in the photo, for routes that edit by a change in years (with targetAge). */
  currentAge?: number
  strength: number
  restoreAfter: boolean
  restoreModel?: string
  /** Strength of the restore after aging (the Restore section's); the age strength when absent. */
  restoreStrength?: number
}

export interface AgeRouteInfo {
  id: string
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

export interface ExportOptions {
  photoId: string
  format: 'png' | 'jpeg' | 'tiff' | 'webp'
  quality: number
  /** Resize factor applied at export (1 = composed size). */
  scale: number
  keepMetadata: boolean
  provenance: boolean
  /** Writes the original and the edited photo side by side in one image. */
  beforeAfterSheet: boolean
  /** Only this rectangle (image pixels of the photo). */
  crop?: [number, number, number, number]
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
}

export type BatchOperation = 'restore' | 'detect-crop'

export interface BatchRequest {
  jobId: string
  recursive: boolean
  operation: BatchOperation
  model?: string
  strength: number
  fidelity?: number
  format: 'same' | 'png' | 'jpeg'
  aspect?: '1:1' | '4:5' | '3:4' | 'passport'
}

export type BatchRowStatus = 'ok' | 'no-face' | 'error' | 'skipped'

export interface BatchRow {
  file: string
  status: BatchRowStatus
  faces?: number
  output?: string
  code?: string
  reason?: string
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
}

export type ThemeSetting = 'system' | 'light' | 'dark'

export interface SettingsView {
  provider: 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu'
  theme: ThemeSetting
  defaultRestorer?: string
  defaultUpscaler?: string
  /** Display only; set through the choose-folder dialog. */
  outputFolder?: string
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

export type SettingsPatch = Partial<
  Pick<SettingsView, 'provider' | 'theme' | 'defaultRestorer' | 'defaultUpscaler' | 'contentCredentials' | 'ownerName'>
>

/** A Redis/BullMQ queue watched read-only from the Batch panel (`heirloom worker`s do the work). */
export interface QueueWatchRequest {
  redisUrl: string
  queue: string
}

export interface QueueWatchView {
  queue: string
  /** The server as it may be shown: the password is never sent back. */
  server: string
  counts: { waiting: number; active: number; delayed: number; completed: number; failed: number; prioritized: number }
}
