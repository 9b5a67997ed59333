import type { AppError, ErrorCode } from '../../../shared/errors'
import type { IpcResult } from '../../../shared/ipc/channels'

/** What the banner offers for an error: a button that fixes the cause, when there is one. */
export type ErrorAction = 'open-models' | 'draw-box' | 'retry-open' | 'choose-other-name'

/** Friendly, actionable text per error code; the renderer never parses message text. */
const FRIENDLY: Partial<Record<ErrorCode, { text: string; action?: ErrorAction }>> = {
  DECODE_FAILED: {
    text: 'This file could not be read as an image. It may be damaged or incomplete.',
    action: 'retry-open'
  },
  TOO_LARGE: { text: 'This image is too large to open safely.' },
  UNSUPPORTED: { text: 'This file type is not supported.', action: 'retry-open' },
  NOT_FOUND: { text: 'The file could not be found. It may have been moved or deleted.' },
  NO_FACE: { text: 'No face was found. Draw a box around a face to add it.', action: 'draw-box' },
  MODEL_MISSING: { text: 'A model this needs is not installed yet.', action: 'open-models' },
  MODEL_INVALID: { text: 'The model file is damaged or is not the expected model.', action: 'open-models' },
  MODEL_CONTRACT: {
    text: 'The model file does not have the inputs and outputs Heirloom expects.',
    action: 'open-models'
  },
  MODEL_RUNTIME: { text: 'The model failed while running. Try the CPU provider in Settings.' },
  MODEL_FAILED: {
    text: 'The model produced an unusable result (NaN/Inf). Try the CPU provider in Settings or an fp32 model.'
  },
  DOWNLOAD_FAILED: {
    text: 'The download failed. Check the connection, or import the file in the Models panel.',
    action: 'open-models'
  },
  OUTPUT_EXISTS: { text: 'A file with that name already exists.', action: 'choose-other-name' },
  FORBIDDEN: { text: 'That action is not allowed.' },
  WRITE_FAILED: { text: 'The file could not be written. Check the folder and free space.' },
  BUSY: { text: 'Heirloom is busy with another job. Wait for it or cancel it.' },
  INVALID_REQUEST: { text: 'That request was not valid.' }
}

export class ApiError extends Error {
  constructor(readonly error: AppError) {
    super(error.message)
  }
  get code(): ErrorCode {
    return this.error.code
  }
}

export function friendlyMessage(error: AppError): string {
  const base = FRIENDLY[error.code]?.text
  return base ? `${base} (${error.message})` : error.message
}

export function errorAction(error: AppError): ErrorAction | undefined {
  return FRIENDLY[error.code]?.action
}

export function asAppError(err: unknown): AppError {
  if (err instanceof ApiError) return err.error
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) }
}

/** Unwraps an IPC result, throwing ApiError (with its code) on failure. */
export async function call<T>(pending: Promise<IpcResult<T>>): Promise<T> {
  const result = await pending
  if (!result.ok) throw new ApiError(result.error)
  return result.value
}

/** Job ids are minted here so a job can be cancelled before its call returns. */
export function newJobId(): string {
  return `j${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
}
