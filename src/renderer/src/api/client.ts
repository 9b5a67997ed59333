import type { AppError, ErrorCode } from '../../../shared/errors'
import type { IpcResult } from '../../../shared/ipc/channels'

/** Friendly, actionable text per error code; the renderer never parses message text. */
const FRIENDLY: Partial<Record<ErrorCode, string>> = {
  DECODE_FAILED: 'This file could not be read as an image. It may be damaged or incomplete.',
  TOO_LARGE: 'This image is too large to open safely.',
  UNSUPPORTED: 'This file type is not supported.',
  NOT_FOUND: 'The file could not be found.',
  NO_FACE: 'No face was found. You can draw a box around a face to add it.',
  MODEL_MISSING: 'The model is not installed yet. Open the Models panel to download or import it.',
  CANCELLED: 'Cancelled.'
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
  const base = FRIENDLY[error.code]
  return base ? `${base} (${error.message})` : error.message
}

/** Unwraps an IPC result, throwing ApiError (with its code) on failure. */
export async function call<T>(pending: Promise<IpcResult<T>>): Promise<T> {
  const result = await pending
  if (!result.ok) throw new ApiError(result.error)
  return result.value
}
