import type { z } from 'zod'
import type { CredentialsReport } from '../credentials'
import type { ModelInspection } from '../model-inspection'
import type { AppError } from '../errors'
import type { EventChannel, InvokeChannel } from './channel-names'
import type { RequestSchemas } from './schemas'
import type {
  AgeRouteInfo,
  AppInfo,
  BatchProgress,
  BatchSummary,
  DamageDetection,
  EditState,
  ExportResult,
  FacesResult,
  FolderChoice,
  JobProgress,
  ModelProgress,
  ModelsOverview,
  OpenedPhoto,
  PreviewImage,
  QueueWatchView,
  RegionImage,
  RepairMaskImage,
  SettingsView
} from './types'

export {
  DROP_CHANNELS,
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  PRELOAD_ONLY_CHANNELS,
  eventChannelName,
  invokeChannelName,
  type EventChannel,
  type InvokeChannel
} from './channel-names'

/**
 * The one typed IPC contract. The request side is derived from the zod schemas (./schemas), which main runs on every
 * request before its handler: what a caller may send is the schema's input, what a handler receives is its output.
 * The sandboxed preload stays zod-free: it imports only types from here and the run-time list from ./channel-names.
 */
export type RequestOf<C extends InvokeChannel> =
  // A channel whose schema is z.undefined() takes no argument (TypeScript lets a trailing `void` parameter be omitted).
  z.input<RequestSchemas[C]> extends undefined ? void : z.input<RequestSchemas[C]>
/** A request after its schema parsed it: what a handler receives. */
export type ParsedRequestOf<C extends InvokeChannel> = z.output<RequestSchemas[C]>

/** What main answers per invoke channel (main produces these, so they have no schema). */
export interface ResponseContract {
  appInfo: AppInfo
  openPhotoDialog: OpenedPhoto | null
  /** Main's opaque token per dropped item; the renderer never sends a path to open. */
  registerDrops: { tokens: string[] }
  /** Opens a file the user dropped, by the token main gave for it. */
  openDroppedPhoto: OpenedPhoto
  getPreview: PreviewImage
  /** A rectangle of the photo at its native pixels (views zoomed past the preview's resolution). */
  getRegion: RegionImage
  listFaces: FacesResult
  /** Finds faces; answers the new edit state (faces, rotation, history). */
  detectFaces: EditState
  closePhoto: void
  /** Opens the n-th recent file (main keeps the paths; the renderer only sees names). */
  openRecent: OpenedPhoto
  getEditState: EditState
  /** A box the user drew: landmarks come from landmarksForBox. */
  addFaceBox: EditState
  deleteFace: EditState
  restoreFaces: EditState
  ageFaces: EditState
  listAgeRoutes: AgeRouteInfo[]
  /** Re-blends a layer at a new strength without re-running its model. */
  setLayerStrength: EditState
  setLayerEnabled: EditState
  undo: EditState
  redo: EditState
  /** Jumps to a history step. */
  gotoStep: EditState
  cancelJob: void
  /** Asks for a file name with the save dialog, then writes; null when the user cancelled. */
  exportPhoto: ExportResult | null
  listModels: ModelsOverview
  downloadModel: ModelsOverview
  /** Picks a model file with the open dialog and installs it under the entry's id. */
  importModel: ModelsOverview | null
  verifyModel: { id: string; ok: boolean }
  /** An installed model's tensors, opset, size, SHA-256 and the verdict against its manifest contract. */
  inspectModel: ModelInspection
  removeModel: ModelsOverview
  chooseBatchInput: FolderChoice | null
  /** A folder the user dropped becomes the batch input (the preload resolves the real path of the dropped item). */
  openDroppedFolder: FolderChoice
  chooseOutputFolder: FolderChoice | null
  runBatch: BatchSummary
  pauseBatch: void
  openOutputFolder: void
  getSettings: SettingsView
  updateSettings: SettingsView
  /** The opened photo's Content Credentials (C2PA), Heirloom's or another tool's. */
  getCredentials: CredentialsReport
  /** Counts of a Redis/BullMQ queue, read-only (the Batch panel's "Watch a queue"). */
  watchQueue: QueueWatchView
  /** Any registry operation on an open photo; params validated by the operation's own schema (main and worker). */
  applyOperation: EditState
  /**
   * Finds scratches, dust and tears on the current base (a second repair sees the first's result; faces get the
   * stricter rule): the mask as a PNG of the photo's size (non-zero = damaged) and the regions found.
   */
  detectDamage: DamageDetection
  /** The mask PNG the repair step at the history cursor used; null when that step is no repair. */
  repairMask: RepairMaskImage | null
}

/** Indexing by the channel list makes a channel without a response type a compile error. */
export type ResponseOf<C extends InvokeChannel> = ResponseContract[C]

export type InvokeContract = { [C in InvokeChannel]: { request: RequestOf<C>; response: ResponseOf<C> } }

interface EventPayloads {
  jobProgress: JobProgress
  /** Menu actions forwarded to the renderer (e.g. 'open', 'undo'). */
  menuAction: { action: string }
  modelProgress: ModelProgress
  batchProgress: BatchProgress
}

export type EventContract = { [E in EventChannel]: EventPayloads[E] }

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: AppError }
