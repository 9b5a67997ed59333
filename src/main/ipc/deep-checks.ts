import type { InvokeChannel, ParsedRequestOf } from '../../shared/ipc/channels'
import { getOperation } from '../core/operations'
import { HeirloomError } from '../core/errors'

/**
 * The path of a key that names a file (`file`, `modelFile`, `ageModelFile`, ...) anywhere in `value`: operations take
 * such params from the CLI, but the renderer never names a file to read (models are picked by id).
 */
function fileKey(value: unknown, path: string[] = [], depth = 0): string | undefined {
  // Bytes (a mask PNG) name no file, and are not walked entry by entry.
  if (!value || typeof value !== 'object' || depth > 8 || ArrayBuffer.isView(value)) return undefined
  for (const [key, v] of Object.entries(value)) {
    if (key === 'file' || key.endsWith('File')) return [...path, key].join('.')
    const inner = fileKey(v, [...path, key], depth + 1)
    if (inner) return inner
  }
  return undefined
}

/**
 * Checks a channel's zod schema cannot express because they depend on main's registry: applyOperation's `params`
 * against the named operation's own schema (the worker checks them again; this keeps a malformed request from
 * reaching any handler). Each returns the problem in words, or undefined when the request is fine.
 */
export type DeepChecks = { [C in InvokeChannel]?: (request: ParsedRequestOf<C>) => string | undefined }

export const deepChecks: DeepChecks = {
  applyOperation(req) {
    let op
    try {
      op = getOperation(req.op)
    } catch (err) {
      return err instanceof HeirloomError ? err.message : 'unknown operation'
    }
    if (!op.apply) return `"${op.id}" is not an edit of an open photo`
    if (op.kind === 'photo' && (req.faces !== undefined || req.strength !== undefined))
      return `"${op.id}" edits the whole photo: it takes no faces or strength`
    const file = fileKey(req.params)
    if (file) return `params.${file}: the app names models by id, not by file`
    const parsed = op.params.safeParse(req.params ?? {})
    if (parsed.success) return undefined
    const issue = parsed.error.issues[0]
    return `params${issue?.path.length ? `.${issue.path.map(String).join('.')}` : ''}: ${issue?.message ?? 'invalid'}`
  }
}
