import type { CredentialsReport } from '../credentials'
import type { ModelInspection } from '../model-inspection'
import type { AppError } from '../errors'
import type { BoxXYWH } from '../faces'
import type {
  AgeRequest,
  ApplyOperationRequest,
  AgeRouteInfo,
  AppInfo,
  BatchProgress,
  BatchRequest,
  BatchSummary,
  DetectRequest,
  EditState,
  ExportOptions,
  ExportResult,
  FacesResult,
  FolderChoice,
  JobProgress,
  ModelProgress,
  ModelsOverview,
  OpenedPhoto,
  PhotoRef,
  PreviewImage,
  PreviewRequest,
  QueueWatchRequest,
  QueueWatchView,
  RegionImage,
  RegionRequest,
  RestoreRequest,
  SettingsPatch,
  SettingsView
} from './types'

/**
 * The one typed IPC contract: request -> response per invoke channel, payload per event.
 * Runtime validators for every request are in ./schemas (main only; the sandboxed preload stays dependency-free).
 */
export interface InvokeContract {
  appInfo: { request: void; response: AppInfo }
  openPhotoDialog: { request: void; response: OpenedPhoto | null }
  /**
   * Preload only (not on window.api): the paths of the items of a trusted drop event, resolved by the preload with
   * webUtils. Main answers one opaque token per item; the renderer never sends a path to open.
   */
  registerDrops: { request: { paths: string[] }; response: { tokens: string[] } }
  /** Opens a file the user dropped, by the token main gave for it. */
  openDroppedPhoto: { request: { token: string }; response: OpenedPhoto }
  getPreview: { request: PreviewRequest; response: PreviewImage }
  /** A rectangle of the photo at its native pixels (views zoomed past the preview's resolution). */
  getRegion: { request: RegionRequest; response: RegionImage }
  listFaces: { request: PhotoRef; response: FacesResult }
  /** Finds faces; answers the new edit state (faces, rotation, history). */
  detectFaces: { request: DetectRequest; response: EditState }
  closePhoto: { request: PhotoRef; response: void }
  /** Opens the n-th recent file (main keeps the paths; the renderer only sees names). */
  openRecent: { request: { index: number }; response: OpenedPhoto }
  getEditState: { request: PhotoRef; response: EditState }
  /** A box the user drew: landmarks come from landmarksForBox. */
  addFaceBox: { request: { photoId: string; box: BoxXYWH }; response: EditState }
  deleteFace: { request: { photoId: string; index: number }; response: EditState }
  restoreFaces: { request: RestoreRequest; response: EditState }
  ageFaces: { request: AgeRequest; response: EditState }
  listAgeRoutes: { request: void; response: AgeRouteInfo[] }
  /** Re-blends a layer at a new strength without re-running its model. */
  setLayerStrength: { request: { photoId: string; layerIds: string[]; strength: number }; response: EditState }
  setLayerEnabled: { request: { photoId: string; layerId: string; enabled: boolean }; response: EditState }
  undo: { request: PhotoRef; response: EditState }
  redo: { request: PhotoRef; response: EditState }
  /** Jumps to a history step. */
  gotoStep: { request: { photoId: string; index: number }; response: EditState }
  cancelJob: { request: { jobId: string }; response: void }
  /** Asks for a file name with the save dialog, then writes; null when the user cancelled. */
  exportPhoto: { request: ExportOptions; response: ExportResult | null }
  listModels: { request: void; response: ModelsOverview }
  downloadModel: { request: { id: string; jobId: string; acceptLicense: boolean }; response: ModelsOverview }
  /** Picks a model file with the open dialog and installs it under the entry's id. */
  importModel: { request: { id: string }; response: ModelsOverview | null }
  verifyModel: { request: { id: string }; response: { id: string; ok: boolean } }
  /** An installed model's tensors, opset, size, SHA-256 and the verdict against its manifest contract. */
  inspectModel: { request: { id: string }; response: ModelInspection }
  removeModel: { request: { id: string }; response: ModelsOverview }
  chooseBatchInput: { request: { recursive: boolean }; response: FolderChoice | null }
  /** A folder the user dropped becomes the batch input (the preload resolves the real path of the dropped item). */
  openDroppedFolder: { request: { token: string; recursive: boolean }; response: FolderChoice }
  chooseOutputFolder: { request: void; response: FolderChoice | null }
  runBatch: { request: BatchRequest; response: BatchSummary }
  pauseBatch: { request: { jobId: string; paused: boolean }; response: void }
  openOutputFolder: { request: void; response: void }
  getSettings: { request: void; response: SettingsView }
  updateSettings: { request: SettingsPatch; response: SettingsView }
  /** The opened photo's Content Credentials (C2PA), Heirloom's or another tool's. */
  getCredentials: { request: PhotoRef; response: CredentialsReport }
  /** Counts of a Redis/BullMQ queue, read-only (the Batch panel's "Watch a queue"). */
  watchQueue: { request: QueueWatchRequest; response: QueueWatchView }
  /** Any registry operation on an open photo; params validated in the worker by the operation's own schema. */
  applyOperation: { request: ApplyOperationRequest; response: EditState }
}

export interface EventContract {
  jobProgress: JobProgress
  /** Menu actions forwarded to the renderer (e.g. 'open', 'undo'). */
  menuAction: { action: string }
  modelProgress: ModelProgress
  batchProgress: BatchProgress
}

export type InvokeChannel = keyof InvokeContract
export type EventChannel = keyof EventContract
export type RequestOf<C extends InvokeChannel> = InvokeContract[C]['request']
export type ResponseOf<C extends InvokeChannel> = InvokeContract[C]['response']

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: AppError }

/** Channel names on the wire. */
export const invokeChannelName = (c: InvokeChannel): string => `heirloom:${c}`
export const eventChannelName = (c: EventChannel): string => `heirloom:event:${c}`
