import type { Handler } from './types'

export const setFaces: Handler<'setFaces'> = {
  queued: false,
  run(p, { state }) {
    state.session(p.sessionId).setFaces(p.faces)
    return state.measuredInfo(p.sessionId)
  }
}
