import type { Handler } from './types'

export const undo: Handler<'undo'> = {
  queued: false,
  run(p, { state }) {
    state.session(p.sessionId).undo()
    return state.measuredInfo(p.sessionId)
  }
}
