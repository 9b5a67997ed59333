import type { Handler } from './types'

export const redo: Handler<'redo'> = {
  queued: false,
  run(p, { state }) {
    state.session(p.sessionId).redo()
    return state.measuredInfo(p.sessionId)
  }
}
