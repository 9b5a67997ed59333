import type { Handler } from './types'

/** The session as it is now (no change). */
export const info: Handler<'info'> = {
  queued: false,
  run: (p, { state }) => state.info(p.sessionId)
}
