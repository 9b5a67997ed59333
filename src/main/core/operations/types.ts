import type { z } from 'zod'
import type { Engine } from '../engine'
import type { EditSession, HistoryEntry } from '../pipeline/edit-session'
import type { FaceChoice } from '../pipeline/face-selection'
import type { ProgressSink } from '../pipeline/progress'
import type { PasteMask } from '../warp/paste'
import type { FaceHelperReport } from '../pipeline/face-helpers'

/** 'face': runs per face and leaves one layer per face; 'photo': runs on the whole photo and leaves a new base. */
export type OperationKind = 'face' | 'photo'

/** How one session edit is applied (the same for every operation; only `params` differ). */
export interface SessionEdit {
  faces?: FaceChoice
  /** Paste strength of new face layers, 0..1. */
  strength?: number
  mask?: PasteMask
  signal?: AbortSignal
  onProgress?: ProgressSink
  /** What the helper models found per edited face (identity, Keep identity's re-blend), for the caller to show. */
  onFaceReport?: (faceIndex: number, report: FaceHelperReport) => void
}

/**
 * One operation of the registry (operations/<id>/). Everything that differs between operations lives here, so the
 * worker, IPC and history never switch on operation names: they look the operation up by id, validate `params`
 * with its schema, and call `apply` (or `fileJob`). See docs/ADDING-AN-OPERATION.md.
 */
export interface Operation<S extends z.ZodType = z.ZodType, J = unknown> {
  readonly id: string
  readonly kind: OperationKind
  /** Validator of the params; their type is z.infer of it. Unknown keys are refused (strict objects). */
  readonly params: S
  /** Manifest ids of the models these params need, resolved from the manifest/store (nothing is opened). */
  models(engine: Engine, params: z.output<S>): string[]
  /**
   * Edits an open session as ONE history step `{ op: id, faces, params }` (undoable as one). Absent when the
   * operation is not a session edit (crop writes files).
   */
  apply?(engine: Engine, session: EditSession, params: z.output<S>, edit: SessionEdit): Promise<void>
  /** Whole-file job for the CLI and batch (decode -> edit -> export), when the operation has one. */
  readonly fileJob?: J
  /** Display label of one of its history steps, e.g. "Restore faces 1, 2". */
  label(step: HistoryEntry): string
}

/** Keeps the literal types of one operation object (its params schema and file job) while checking its shape. */
export function defineOperation<S extends z.ZodType, J = undefined>(
  op: Operation<S, J>
): Operation<S, J> & (J extends undefined ? unknown : { readonly fileJob: J }) {
  // Checked above: `fileJob` is present whenever J was inferred from it.
  return op as Operation<S, J> & (J extends undefined ? unknown : { readonly fileJob: J })
}
