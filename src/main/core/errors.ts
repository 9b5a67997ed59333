import { type AppError, type ErrorCode, isErrorCode } from '../../shared/errors'

/** The one error class the core throws; its code crosses IPC and becomes the CLI exit code. */
export class HeirloomError extends Error {
  readonly code: ErrorCode
  readonly modelId?: string
  readonly modelIds?: string[]
  readonly licence?: boolean

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; modelId?: string; modelIds?: string[]; licence?: boolean }
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'HeirloomError'
    this.code = code
    if (options?.modelId) this.modelId = options.modelId
    if (options?.modelIds?.length) this.modelIds = options.modelIds
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
      ...(err.modelIds ? { modelIds: err.modelIds } : {}),
      ...(err.licence ? { licence: true } : {})
    }
  }
  if (err && typeof err === 'object' && 'code' in err && isErrorCode(err.code)) {
    const e = err as { code: ErrorCode; message?: unknown }
    return { code: e.code, message: typeof e.message === 'string' ? e.message : e.code }
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
