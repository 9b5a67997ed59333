/**
 * The pipeline worker's typed protocol (worker_threads, same in Electron main and the CLI). Requests carry ids;
 * the worker answers each with exactly one result and any number of progress events; `cancel` names a request id.
 * Images cross as { width, height, data } whose buffer is transferred, not copied.
 */
import type { AppError } from '../../shared/errors'
import type { Face } from '../../shared/faces'
import type { OutputFormat } from '../core/image/encode'
import type { RgbImage } from '../core/image/types'
import type { FaceChoice } from '../core/pipeline/face-selection'
import type { PipelineProgress } from '../core/pipeline/progress'
import type { RestoreModelChoice } from '../core/pipeline/restore-deps'
import type { RestoreReport } from '../core/pipeline/restore-photo'
import type { ProviderPreference } from '../core/runtime/types'
import type { DetectOptions } from '../core/stages/detect'
import type { PasteMask } from '../core/warp/paste'

export type ImagePayload = RgbImage

export interface WorkerInit {
  modelsDir?: string
  provider?: ProviderPreference
  autoDownload?: boolean
}

export interface RestoreJobOptions {
  faces?: FaceChoice
  faceList?: Face[]
  strength?: number
  fidelity?: number
  colorTransfer?: boolean
  mask?: PasteMask
  upscale?: number
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
  layers: LayerInfo[]
  canUndo: boolean
  canRedo: boolean
  history: string[]
}

/** Request type -> [payload, response]. */
export interface WorkerApi {
  restoreFile: [
    {
      input: string
      output: string
      choice: RestoreModelChoice
      options: RestoreJobOptions & { overwrite?: boolean; format?: OutputFormat; quality?: number }
    },
    RestoreReport
  ]
  open: [{ input: string }, SessionInfo]
  detect: [{ sessionId: string; detect?: Omit<DetectOptions, 'signal'> }, SessionInfo]
  setFaces: [{ sessionId: string; faces: Face[] }, SessionInfo]
  restoreFaces: [
    { sessionId: string; choice: RestoreModelChoice; options: Omit<RestoreJobOptions, 'faceList' | 'upscale'> },
    SessionInfo
  ]
  setLayers: [{ sessionId: string; layerIds: string[]; strength?: number; enabled?: boolean }, SessionInfo]
  undo: [{ sessionId: string }, SessionInfo]
  redo: [{ sessionId: string }, SessionInfo]
  compose: [{ sessionId: string; scale?: number; bgUpscaler?: string }, { image: ImagePayload }]
  export: [
    {
      sessionId: string
      output: string
      scale?: number
      bgUpscaler?: string
      overwrite?: boolean
      format?: OutputFormat
      quality?: number
    },
    { output: string }
  ]
  close: [{ sessionId: string }, { closed: boolean }]
}

export type RequestType = keyof WorkerApi
export type RequestPayload<K extends RequestType> = WorkerApi[K][0]
export type ResponseValue<K extends RequestType> = WorkerApi[K][1]

export type ToWorker =
  { kind: 'request'; id: number; type: RequestType; payload: unknown } | { kind: 'cancel'; id: number }

export type FromWorker =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: AppError }
  | { kind: 'progress'; id: number; event: PipelineProgress }

/** Buffers to transfer with a value: every RgbImage-looking { width, height, data: Uint8Array } inside it. */
export function transferablesOf(value: unknown, out: ArrayBuffer[] = [], depth = 0): ArrayBuffer[] {
  if (!value || typeof value !== 'object' || depth > 3) return out
  const v = value as { data?: unknown; width?: unknown; height?: unknown }
  if (v.data instanceof Uint8Array && typeof v.width === 'number' && typeof v.height === 'number') {
    const buf = v.data.buffer
    // Only a buffer the image owns alone can move; a pooled slice would detach unrelated data.
    if (
      buf instanceof ArrayBuffer &&
      v.data.byteOffset === 0 &&
      v.data.byteLength === buf.byteLength &&
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
