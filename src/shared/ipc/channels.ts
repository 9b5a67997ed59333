import type { AppError } from '../errors'
import type {
  AppInfo,
  DetectRequest,
  FacesResult,
  JobProgress,
  OpenedPhoto,
  PhotoRef,
  PreviewImage,
  PreviewRequest
} from './types'

/**
 * The one typed IPC contract: request -> response per invoke channel, payload per event.
 * Runtime validators for every request are in ./schemas (main only; the sandboxed preload stays dependency-free).
 */
export interface InvokeContract {
  appInfo: { request: void; response: AppInfo }
  openPhotoDialog: { request: void; response: OpenedPhoto | null }
  /** Opens a file the user dropped; the preload resolves the real path of the dropped File. */
  openDroppedPhoto: { request: { path: string }; response: OpenedPhoto }
  getPreview: { request: PreviewRequest; response: PreviewImage }
  listFaces: { request: PhotoRef; response: FacesResult }
  detectFaces: { request: DetectRequest; response: FacesResult }
  closePhoto: { request: PhotoRef; response: void }
}

export interface EventContract {
  jobProgress: JobProgress
  /** Menu actions forwarded to the renderer (e.g. 'open', 'undo'). */
  menuAction: { action: string }
}

export type InvokeChannel = keyof InvokeContract
export type EventChannel = keyof EventContract
export type RequestOf<C extends InvokeChannel> = InvokeContract[C]['request']
export type ResponseOf<C extends InvokeChannel> = InvokeContract[C]['response']

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: AppError }

/** Channel names on the wire. */
export const invokeChannelName = (c: InvokeChannel): string => `heirloom:${c}`
export const eventChannelName = (c: EventChannel): string => `heirloom:event:${c}`
