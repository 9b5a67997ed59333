import { detectOnBase } from '../../core/operations/repair'
import type { Handler } from './types'

/** Finds damage on the session's current base (a second repair sees the first's result), faces protected. */
export const detectDamage: Handler<'detectDamage'> = {
  queued: true,
  run: (p, { state, signal }) => detectOnBase(state.session(p.sessionId), p.sensitivity, signal)
}
