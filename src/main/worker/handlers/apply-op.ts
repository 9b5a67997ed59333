import { HeirloomError } from '../../core/errors'
import { getOperation, type SessionEdit } from '../../core/operations'
import type { SessionInfo } from '../protocol'
import type { WorkerState } from '../worker-state'

/**
 * Applies the registry operation `opId` to an open photo: its params checked with its own schema (a wrong field is
 * INVALID_REQUEST naming it), one history step. Every session edit request goes through here.
 */
export async function applyOp(
  state: WorkerState,
  sessionId: string,
  opId: string,
  params: unknown,
  edit: SessionEdit
): Promise<SessionInfo> {
  const op = getOperation(opId)
  if (!op.apply) throw new HeirloomError('INVALID_REQUEST', `"${op.id}" is not an edit of an open photo.`)
  if (op.kind === 'photo' && (edit.faces !== undefined || edit.strength !== undefined)) {
    throw new HeirloomError('INVALID_REQUEST', `"${op.id}" edits the whole photo: it takes no faces or strength.`)
  }
  const parsed = op.params.safeParse(params ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.length ? issue.path.map(String).join('.') : 'params'
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Invalid ${op.id} parameters: ${field}: ${issue?.message ?? 'invalid'}.`,
      {
        fields: { op: op.id, field }
      }
    )
  }
  const session = state.session(sessionId)
  // Every model the edit needs, at once: one MODEL_MISSING naming all of them, before anything runs.
  await state.engine.ensureModels(op.models(state.engine, parsed.data))
  await op.apply(state.engine, session, parsed.data, {
    ...edit,
    onFaceReport: (i, r) => {
      if (r.identity?.keep) state.measures.recordKeep(session, i, r.identity.keep)
    }
  })
  return state.measuredInfo(sessionId, edit.signal)
}
