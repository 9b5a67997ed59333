import { getOperation } from '../../core/operations'
import type { Handler } from './types'

/** Finds faces with the registry's detect operation (its params are the detector options). */
export const detect: Handler<'detect'> = {
  queued: true,
  async run(p, { state, signal, progress }) {
    const op = getOperation('detect')
    await op.apply?.(state.engine, state.session(p.sessionId), op.params.parse(p.detect ?? {}), {
      signal,
      onProgress: progress
    })
    return state.info(p.sessionId)
  }
}
