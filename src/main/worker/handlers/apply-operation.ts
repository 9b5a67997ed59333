import type { Handler } from './types'
import { applyOp } from './apply-op'

/** Any registry operation on an open photo, routed by its id. */
export const applyOperation: Handler<'applyOperation'> = {
  queued: true,
  run: (p, { state, signal, progress }) =>
    applyOp(state, p.sessionId, p.op, p.params, {
      faces: p.faces,
      strength: p.strength,
      mask: p.mask,
      signal,
      onProgress: progress
    })
}
