import { type AppError, type ErrorCode, isErrorCode } from '../../shared/errors'

/** The one error class the core throws; its code crosses IPC and becomes the CLI exit code. */
export class HeirloomError extends Error {
  readonly code: ErrorCode

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'HeirloomError'
    this.code = code
  }
}

/** Maps anything thrown to a code + message safe to show a user (no stack). */
export function toAppError(err: unknown): AppError {
  if (err instanceof HeirloomError) return { code: err.code, message: err.message }
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
