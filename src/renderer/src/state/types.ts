import type { ModelInspection } from '../../../shared/model-inspection'
import type { AppError } from '../../../shared/errors'
import type {
  AgeRequest,
  AgeRouteInfo,
  BatchProgress,
  BatchRequest,
  BatchSummary,
  EditState,
  ExportResult,
  FolderChoice,
  JobProgress,
  ModelProgress,
  ModelsOverview,
  OpenedPhoto,
  SettingsPatch,
  SettingsView
} from '../../../shared/ipc/types'
import type { ImageRect } from '../canvas/viewport'
import type { CropPreset } from '../canvas/crop-geometry'
import type { Brush, MaskEditor } from '../canvas/mask-paint'
import type { DamageRegionInfo, RepairMethod } from '../api/repair-api'

export interface LoadedPreview {
  url: string
  width: number
  height: number
}

export type Tool = 'select' | 'draw' | 'crop' | 'mask'
export type CompareMode = 'off' | 'split' | 'side'
export type PanelId = 'edit' | 'history' | 'export' | 'models' | 'batch'
export type ViewCommand = { kind: 'fit' | 'actual' | 'in' | 'out' } | { kind: 'face'; index: number }

export interface PhotoSlice {
  photo: OpenedPhoto | null
  original: LoadedPreview | null
  edited: LoadedPreview | null
  edit: EditState | null
  detecting: boolean
  openViaDialog(): Promise<void>
  openDropped(file: File): Promise<void>
  openRecent(index: number): Promise<void>
  detect(): Promise<void>
  applyEditState(state: EditState): Promise<void>
}

/**
 * The Colour section's request: the colour operation's params (core operations/color, the recipe's colour step),
 * checked in main and in the worker with that operation's own schema.
 */
export interface ColourRequest {
  fade: 'auto' | 'none'
  keepTone?: boolean
  /** Fade correction strength 0..1. */
  strength?: number
  /** A colouriser's manifest id, or 'none'. */
  colorize: string
  renderSize?: 192 | 256 | 384 | 512
  blend?: number
  /** Colourise a photo that is already in colour. */
  force?: boolean
  /** With restored faces: colour the photo as restored, instead of colouring first and restoring again. */
  colorizeAfter?: boolean
}

export interface EditSlice {
  selected: number[]
  /** The Restore section's strength: also what "Restore after aging" uses. */
  restoreStrength: number
  setRestoreStrength(strength: number): void
  selectFace(index: number, additive: boolean): void
  selectAll(): void
  clearSelection(): void
  addFaceBox(box: ImageRect): Promise<void>
  deleteSelectedFaces(): Promise<void>
  restore(opts: {
    model: string
    strength: number
    fidelity?: number
    outputScale: 1 | 2 | 4
    upscaler: string | null
    all: boolean
    keepIdentity?: boolean
    paste?: 'box' | 'regions'
  }): Promise<void>
  age(opts: {
    route: AgeRequest['route']
    years: number
    targetAge?: number
    /** The person's age in the photo (routes that need it for a target age, or SAM for years). */
    currentAge?: number
    strength: number
    restoreAfter: boolean
    /** The restorer "Restore after aging" runs (main falls back to the manifest default). */
    restoreModel?: string
    all: boolean
  }): Promise<void>
  /** Fade correction and/or colourisation of the whole photo (the registry's colour operation), one history step. */
  colour(req: ColourRequest): Promise<void>
  setStrength(layerIds: string[], strength: number): Promise<void>
  toggleLayer(layerId: string, enabled: boolean): Promise<void>
  undo(): Promise<void>
  redo(): Promise<void>
  gotoStep(index: number): Promise<void>
}

export interface UiSlice {
  busy: boolean
  error: AppError | null
  job: JobProgress | null
  /** Cancel was asked for the running job; it ends at the next safe point. */
  cancelling: boolean
  /** A short word about how the last job ended ("Cancelled"), shown in the status bar. */
  notice: string | null
  /** Estimated time left of the running job, from the faces it has finished. */
  jobEtaMs: number | null
  /** An open the user asked for while a job runs: it waits for "Cancel job and open" or "Keep working". */
  pendingOpen: (() => Promise<void>) | null
  /** Cancels the running job, waits for it to end, then runs the pending open. */
  confirmPendingOpen(): Promise<void>
  dismissPendingOpen(): void
  tool: Tool
  compare: CompareMode
  /** Divider position as a fraction of the image width (image space: it follows zoom and pan). */
  split: number
  holdOriginal: boolean
  /**
   * Face boxes, numbers and landmarks over the photo. null = automatic: shown while there is no edit to judge,
   * hidden in the compare views once there is one. The toggle (H) makes it explicit until the next photo.
   */
  overlays: boolean | null
  panel: PanelId
  crop: { rect: ImageRect; preset: CropPreset } | null
  viewCommand: { cmd: ViewCommand; seq: number } | null
  settings: SettingsView | null
  lastExport: ExportResult | null
  setTool(tool: Tool): void
  setCompare(mode: CompareMode): void
  setSplit(fraction: number): void
  setHoldOriginal(on: boolean): void
  toggleOverlays(): void
  setPanel(panel: PanelId): void
  setCrop(crop: { rect: ImageRect; preset: CropPreset } | null): void
  view(cmd: ViewCommand): void
  showError(err: unknown): void
  clearError(): void
  onJobProgress(p: JobProgress): void
  cancelJob(): Promise<void>
  loadSettings(): Promise<void>
  updateSettings(patch: SettingsPatch): Promise<void>
  exportPhoto(opts: {
    format: 'png' | 'jpeg' | 'tiff' | 'webp'
    quality: number
    scale: number
    keepMetadata: boolean
    provenance: boolean
    beforeAfterSheet: boolean
    cropOnly: boolean
  }): Promise<void>
}

export interface ModelsSlice {
  models: ModelsOverview | null
  downloads: Record<string, ModelProgress & { jobId?: string }>
  ageRoutes: AgeRouteInfo[]
  /** True while "Get the recommended models" is fetching its set. */
  fetchingRecommended: boolean
  refreshModels(): Promise<void>
  /** Downloads the missing recommended models (detector first), then finds faces in the open photo again. */
  getRecommendedModels(): Promise<void>
  downloadModel(id: string, acceptLicense: boolean): Promise<void>
  cancelDownload(id: string): Promise<void>
  importModel(id: string): Promise<void>
  verifyModel(id: string): Promise<boolean>
  /** The file's tensors and verdict for the detail view; null after an error (shown like any other). */
  inspectModel(id: string): Promise<ModelInspection | null>
  removeModel(id: string): Promise<void>
  onModelProgress(p: ModelProgress): void
}

export interface BatchSlice {
  batchInput: FolderChoice | null
  batchOutput: FolderChoice | null
  batchProgress: BatchProgress | null
  batchRows: NonNullable<BatchProgress['row']>[]
  batchResult: BatchSummary | null
  batchJobId: string | null
  chooseBatchInput(recursive: boolean): Promise<void>
  useDroppedFolder(file: File): Promise<void>
  chooseBatchOutput(): Promise<void>
  runBatch(opts: Omit<BatchRequest, 'jobId'>): Promise<void>
  pauseBatch(paused: boolean): Promise<void>
  cancelBatch(): Promise<void>
  openOutputFolder(): Promise<void>
  onBatchProgress(p: BatchProgress): void
}

export interface MaskSlice {
  /** The damage mask being edited (mutable typed arrays; use currentMask() to get the open photo's). */
  mask: MaskEditor | null
  maskPhotoId: string | null
  /** Bumped on every change of the mask, so readouts (area %, undo) re-render. */
  maskRevision: number
  maskShown: boolean
  brush: Brush
  /** The last detection: its sensitivity, regions and area as main measured them. */
  damage: { sensitivity: number; regions: DamageRegionInfo[]; areaPercent: number } | null
  detectingDamage: boolean
  /** The open photo's mask, created empty at the photo's size when there is none. */
  ensureMask(): MaskEditor | null
  /** Forgets the mask and the last detection (another photo was opened). */
  dropMask(): void
  /** The mask tool (M): the open photo's mask shown and painted on; again leaves it for Select. */
  toggleMaskTool(): void
  setBrush(patch: Partial<Brush>): void
  /** `[` (-1) / `]` (+1). */
  stepBrushSize(dir: 1 | -1): void
  setMaskShown(on: boolean): void
  undoMask(): boolean
  redoMask(): boolean
  clearMask(): void
  /** Replaces the mask with PNG bytes (photo size, non-zero = damaged), undoably. */
  loadMaskPng(png: Uint8Array): void
  detectDamage(sensitivity: number): Promise<void>
  repairDamage(opts: { method: RepairMethod; sensitivity: number; force?: boolean }): Promise<void>
  /** Shows the mask of the repair step at the history cursor, when main can say which. */
  syncMaskFromHistory(): Promise<void>
}

export type EditorState = PhotoSlice & EditSlice & UiSlice & ModelsSlice & BatchSlice & MaskSlice
export type SetState = (partial: Partial<EditorState> | ((s: EditorState) => Partial<EditorState>)) => void
export type GetState = () => EditorState
