import type { ProviderPreferenceName } from '../../../shared/defaults'

/**
 * The session interface every stage receives. Only runtime/ort-adapter.ts imports onnxruntime-node;
 * stages and tests depend on this interface, so a stand-in can be handed in.
 */
export type TensorType = 'float32' | 'float16' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool'

export type TensorArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Uint16Array

export interface TensorData {
  type: TensorType
  data: TensorArray
  dims: readonly number[]
}

export type ProviderPreference = ProviderPreferenceName
export type ProviderId = Exclude<ProviderPreference, 'auto'>

/** Shape info read from the loaded graph; symbolic dims are strings or -1. */
export interface IoInfo {
  name: string
  type: TensorType | 'unknown'
  dims: readonly (number | string)[]
}

export interface RunOptions {
  signal?: AbortSignal
  /** Output names to fetch; default all. */
  outputs?: readonly string[]
}

export interface ModelSession {
  readonly inputNames: readonly string[]
  readonly outputNames: readonly string[]
  readonly inputs: readonly IoInfo[]
  readonly outputs: readonly IoInfo[]
  /** The execution provider that actually created this session. */
  readonly provider: ProviderId
  run(feeds: Readonly<Record<string, TensorData>>, options?: RunOptions): Promise<Record<string, TensorData>>
  dispose(): Promise<void>
  /** False while unloaded (memory freed; the next run reopens it). Absent on stand-ins that never unload. */
  readonly loaded?: boolean
  /** Frees the native session but keeps this object usable: the next run reloads it. */
  unload?(): Promise<void>
  /** Called after a reload, so the session cache can count it as loaded again. */
  onReload?: () => void
}
