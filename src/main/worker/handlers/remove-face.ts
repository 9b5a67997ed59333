import type { Handler } from './types'

export const removeFace: Handler<'removeFace'> = {
  queued: false,
  run(p, { state }) {
    state.session(p.sessionId).removeFace(p.index)
    return state.info(p.sessionId)
  }
}
