import {
  type AppError,
  type ErrorCode,
  type ErrorFields,
  type ErrorReason,
  isErrorCode,
  isErrorReason
} from '../../shared/errors'

export interface HeirloomErrorOptions {
  cause?: unknown
  modelId?: string
  reason?: ErrorReason
  fields?: ErrorFields
  /** Every model of a missing set, named in one message. */
  modelIds?: string[]
  /** MODEL_MISSING because downloading needs a non-commercial licence accepted first. */
  licence?: boolean
}

/** The one error class the core throws; its code crosses IPC and becomes the CLI exit code. */
export class HeirloomError extends Error {
  readonly code: ErrorCode
  readonly modelId?: string
  readonly reason?: ErrorReason
  readonly fields?: ErrorFields
  readonly modelIds?: string[]
  readonly licence?: boolean

  constructor(code: ErrorCode, message: string, options?: HeirloomErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'HeirloomError'
    this.code = code
    if (options?.modelId) this.modelId = options.modelId
    if (options?.reason) this.reason = options.reason
    if (options?.fields) this.fields = { ...options.fields }
    if (options?.modelIds?.length) this.modelIds = [...options.modelIds]
    if (options?.licence) this.licence = true
  }
}

/** Maps anything thrown to a code + message safe to show a user (no stack). */
export function toAppError(err: unknown): AppError {
  if (err instanceof HeirloomError) {
    return {
      code: err.code,
      message: err.message,
      ...(err.modelId ? { modelId: err.modelId } : {}),
      ...(err.reason ? { reason: err.reason } : {}),
      ...(err.fields ? { fields: { ...err.fields } } : {}),
      ...(err.modelIds ? { modelIds: [...err.modelIds] } : {}),
      ...(err.licence ? { licence: true } : {})
    }
  }
  if (err && typeof err === 'object' && 'code' in err && isErrorCode(err.code)) {
    // An AppError that crossed the worker boundary keeps its model, reason and fields.
    const e = err as {
      code: ErrorCode
      message?: unknown
      modelId?: unknown
      reason?: unknown
      fields?: unknown
      modelIds?: unknown
      licence?: unknown
    }
    const ids = Array.isArray(e.modelIds) ? e.modelIds.filter((i): i is string => typeof i === 'string') : []
    return {
      code: e.code,
      message: typeof e.message === 'string' ? e.message : e.code,
      ...(typeof e.modelId === 'string' ? { modelId: e.modelId } : {}),
      ...(isErrorReason(e.reason) ? { reason: e.reason } : {}),
      ...(e.fields && typeof e.fields === 'object' ? { fields: { ...(e.fields as ErrorFields) } } : {}),
      ...(ids.length ? { modelIds: ids } : {}),
      ...(e.licence === true ? { licence: true } : {})
    }
  }
  if (err && typeof err === 'object' && (err as { name?: unknown }).name === 'AbortError') {
    return { code: 'CANCELLED', message: 'The operation was cancelled.' }
  }
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'INTERNAL', message: `Unexpected error: ${message.split('\n')[0]}` }
}

/** Throws CANCELLED if the signal is aborted; call between stages. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HeirloomError('CANCELLED', 'The operation was cancelled.')
}
