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

/** Model id -> display name ("styleganex-age" -> "StyleGANEX age"), from the Models list; undefined when unknown. */
export type ModelNames = (id: string) => string | undefined

/** The app's words for core reasons whose CLI wording names a flag (the CLI words the same reasons its own way). */
function reasonText(error: AppError, name: ModelNames): { text: string; action?: ErrorAction } | undefined {
  const f = error.fields ?? {}
  switch (error.reason) {
    case 'age-needs-current-age':
      return { text: 'This age route changes a face by a number of years: enter the current age too.' }
    case 'age-needs-target-age':
      return { text: 'This age route needs a target age: choose "Target age", or enter the current age.' }
    case 'age-factor-unsupported':
      return { text: 'This age route only takes a target age.' }
    case 'option-invalid':
      return { text: 'A setting is out of range.' }
    case 'age-model-kind-needed':
    case 'restorer-kind-needed':
      return { text: 'Heirloom could not tell which kind of model this file is.', action: 'open-models' }
    case 'not-an-age-model':
      return { text: `${name(String(f.model)) ?? 'That model'} is not an age model.`, action: 'open-models' }
    case 'not-a-restorer':
      return { text: `${name(String(f.model)) ?? 'That model'} is not a face restorer.`, action: 'open-models' }
    case 'age-part-missing':
      return { text: `This age route is missing a part (${String(f.what)}).`, action: 'open-models' }
    case 'no-age-model':
      return { text: 'No age model is available yet.', action: 'open-models' }
    case 'faces-invalid':
      return { text: 'Select the faces to edit on the photo or in the Faces list.' }
    case 'output-exists':
      return FRIENDLY.OUTPUT_EXISTS
    case 'provider-failed':
      return {
        text: `The ${String(f.provider)} accelerator could not run this model. Choose Auto or CPU in the Models panel.`,
        action: 'open-models'
      }
    case 'nothing-to-repair':
      return {
        text:
          f.source === 'auto'
            ? `Nothing to repair: no damage was found at sensitivity ${String(f.sensitivity)}. The photo was not changed.`
            : 'Nothing to repair: the mask is empty. The photo was not changed.'
      }
    case 'mask-size':
      return {
        text: `The mask is ${String(f.maskWidth)} × ${String(f.maskHeight)} but the photo is ${String(f.width)} × ${String(f.height)}: a mask must have the photo's size.`
      }
    case 'mask-too-large':
      return {
        text: `The mask covers ${String(f.percent)} % of the photo: more than 60 % is not damage to repair. Check the mask.`
      }
    default:
      return undefined
  }
}

/**
 * The sentence the banner shows: the app's own words for the code (and reason), a model's display name where one is
 * concerned. The raw message stays out of it (it is behind "Details").
 */
export function friendlyMessage(error: AppError, name: ModelNames = () => undefined): string {
  const byReason = reasonText(error, name)
  if (byReason) return byReason.text
  if (error.code === 'MODEL_MISSING' && error.modelId) {
    return `Needs ${name(error.modelId) ?? error.modelId}, which is not installed yet. Get it in the Models panel.`
  }
  return FRIENDLY[error.code]?.text ?? 'Something went wrong.'
}

/** Raw internals for the "Details" disclosure: the code and the message as the core said it. */
export function errorDetails(error: AppError): string {
  return `${error.code}: ${error.message}`
}

export function errorAction(error: AppError, name: ModelNames = () => undefined): ErrorAction | undefined {
  const byReason = reasonText(error, name)
  return byReason ? byReason.action : FRIENDLY[error.code]?.action
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
