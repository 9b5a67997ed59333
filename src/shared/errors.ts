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
  /** The model ran but its output is unusable (NaN/Inf). */
  'MODEL_FAILED',
  'DOWNLOAD_FAILED',
  'BUSY',
  'QUEUE_UNAVAILABLE',
  'INTERNAL'
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/**
 * Finer reasons under a code, for errors whose fix is said differently per front end (the CLI names a flag, the app
 * names a field or a panel). The core's message stays neutral; each front end words `reason` + `fields` itself.
 */
export const ERROR_REASONS = [
  /** A target age on a route that edits by a change in years: the current age is needed too. */
  'age-needs-current-age',
  /** A change in years on a route that takes a target age: the current age (or a target age) is needed. */
  'age-needs-target-age',
  /** A raw latent step on a route that only takes a target age. */
  'age-factor-unsupported',
  /** An option value out of range; fields: option, value. */
  'option-invalid',
  /** An age model file given without saying which kind it is. */
  'age-model-kind-needed',
  /** A model id that is not an age model; fields: model, kind, family. */
  'not-an-age-model',
  /** Restore after aging was given a model that is not a restorer; fields: model, kind. */
  'not-a-restorer',
  /** A part of an age route is not available; fields: part (generator | direction | average-latent | mapping). */
  'age-part-missing',
  /** The manifest lists no age model at all. */
  'no-age-model',
  /** A restorer file given without its family; fields: kinds. */
  'restorer-kind-needed',
  /** A face list that does not parse; fields: text. */
  'faces-invalid',
  /** A batch output exists and neither overwrite nor resume was asked; fields: output. */
  'output-exists',
  /** The chosen execution provider cannot run a model; fields: provider, model, detail. */
  'provider-failed',
  /** The chosen execution provider cannot exist on this machine (known before trying); fields: provider, why. */
  'provider-unavailable',
  /** Years asked of a route whose factor has no calibration to years (the CLI asks for that; the app does not). */
  'age-years-uncalibrated',
  /** A colour photo sent to colourise without force. */
  'already-colour',
  /** A colour edit under face edits it cannot redo (age): colour after them, or undo them first. */
  'face-edits-first',
  /** A repair mask of another size than the photo; fields: maskWidth, maskHeight, width, height. */
  'mask-size',
  /** A repair mask over more than 60 % of the photo without force; fields: percent. */
  'mask-too-large',
  /** A repair with an empty mask (nothing painted, or no damage found); fields: source, sensitivity. */
  'nothing-to-repair'
] as const

export type ErrorReason = (typeof ERROR_REASONS)[number]

export type ErrorFields = Record<string, string | number>

export interface AppError {
  code: ErrorCode
  message: string
  /** The manifest model concerned (MODEL_MISSING...), so each surface can offer its own way to get it. */
  modelId?: string
  /** Every model of a missing set (e.g. a whole aging route), named in one message. */
  modelIds?: string[]
  /** MODEL_MISSING because downloading needs the user to accept a non-commercial licence first. */
  licence?: boolean
  /** Finer reason, worded by each front end (see ERROR_REASONS). */
  reason?: ErrorReason
  /** Structured values the reason's wording uses (option names, ages, files). */
  fields?: ErrorFields
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
  MODEL_FAILED: 8,
  DOWNLOAD_FAILED: 9,
  BUSY: 10,
  QUEUE_UNAVAILABLE: 11,
  INTERNAL: 1
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}

export function isErrorReason(value: unknown): value is ErrorReason {
  return typeof value === 'string' && (ERROR_REASONS as readonly string[]).includes(value)
}
