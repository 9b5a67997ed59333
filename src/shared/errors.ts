/** Error codes that cross every boundary (IPC, CLI exit, batch report). One union, no message matching. */
export const ERROR_CODES = [
  'INVALID_REQUEST',
  'FORBIDDEN',
  'NOT_FOUND',
  'CANCELLED',
  'DECODE_FAILED',
  'TOO_LARGE',
  'UNSUPPORTED',
  'WRITE_FAILED',
  'OUTPUT_EXISTS',
  'NO_FACE',
  'MODEL_MISSING',
  'MODEL_INVALID',
  'MODEL_CONTRACT',
  'MODEL_RUNTIME',
  'DOWNLOAD_FAILED',
  'BUSY',
  'QUEUE_UNAVAILABLE',
  'INTERNAL'
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface AppError {
  code: ErrorCode
  message: string
  /** The manifest model concerned (MODEL_MISSING...), so each surface can offer its own way to get it. */
  modelId?: string
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError }

/** CLI exit codes, documented in the README. */
export const EXIT_CODES: Record<ErrorCode, number> = {
  INVALID_REQUEST: 2,
  FORBIDDEN: 2,
  NOT_FOUND: 3,
  CANCELLED: 130,
  DECODE_FAILED: 4,
  TOO_LARGE: 4,
  UNSUPPORTED: 4,
  WRITE_FAILED: 5,
  OUTPUT_EXISTS: 5,
  NO_FACE: 6,
  MODEL_MISSING: 7,
  MODEL_INVALID: 7,
  MODEL_CONTRACT: 7,
  MODEL_RUNTIME: 8,
  DOWNLOAD_FAILED: 9,
  BUSY: 10,
  QUEUE_UNAVAILABLE: 11,
  INTERNAL: 1
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}
