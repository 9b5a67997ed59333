import type { Handler } from './types'
import { applyOp } from './apply-op'

/** Alias of applyOperation 'restore' in the file job's terms (choice + options). */
export const restoreFaces: Handler<'restoreFaces'> = {
  queued: true,
  run(p, { state, signal, progress }) {
    const { faces, strength, mask, fidelity, colorTransfer, paste, minIdentity } = p.options
    const { detect: _detect, ...choice } = p.choice
    const params = {
      ...choice,
      ...(fidelity !== undefined ? { fidelity } : {}),
      ...(colorTransfer !== undefined ? { colorTransfer } : {}),
      ...(paste !== undefined ? { paste } : {}),
      ...(minIdentity !== undefined ? { minIdentity } : {}),
      ...(p.outputScale !== undefined ? { outputScale: p.outputScale } : {})
    }
    return applyOp(state, p.sessionId, 'restore', params, { faces, strength, mask, signal, onProgress: progress })
  }
}
