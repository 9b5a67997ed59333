import type { Handler } from './types'
import { applyOp } from './apply-op'

/** Alias of applyOperation 'age'. */
export const ageFaces: Handler<'ageFaces'> = {
  queued: true,
  run(p, { state, signal, progress }) {
    const params = {
      choice: p.choice,
      amount: p.amount,
      ...(p.restoreAfter ? { restoreAfter: p.restoreAfter } : {})
    }
    return applyOp(state, p.sessionId, 'age', params, { ...p.options, signal, onProgress: progress })
  }
}
