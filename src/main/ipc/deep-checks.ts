import type { InvokeChannel, RequestOf } from '../../shared/ipc/channels'
import { getOperation } from '../core/operations'
import { HeirloomError } from '../core/errors'

/**
 * Checks a channel's zod schema cannot express because they depend on main's registry: applyOperation's `params`
 * against the named operation's own schema (the worker checks them again; this keeps a malformed request from
 * reaching any handler). Each returns the problem in words, or undefined when the request is fine.
 */
export const deepChecks: { [C in InvokeChannel]?: (request: RequestOf<C>) => string | undefined } = {
  applyOperation(req) {
    let op
    try {
      op = getOperation(req.op)
    } catch (err) {
      return err instanceof HeirloomError ? err.message : 'unknown operation'
    }
    if (!op.apply) return `"${op.id}" is not an edit of an open photo`
    const parsed = op.params.safeParse(req.params ?? {})
    if (parsed.success) return undefined
    const issue = parsed.error.issues[0]
    return `params${issue?.path.length ? `.${issue.path.map(String).join('.')}` : ''}: ${issue?.message ?? 'invalid'}`
  }
}
