import { applyOp } from './apply-op'
import type { Handler } from './types'

/** Finds faces with the registry's detect operation (its params are the detector options). */
export const detect: Handler<'detect'> = {
  queued: true,
  run: (p, { state, signal, progress }) =>
    applyOp(state, p.sessionId, 'detect', p.detect ?? {}, { signal, onProgress: progress })
}
