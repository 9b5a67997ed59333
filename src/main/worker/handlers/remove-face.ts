import { HeirloomError } from '../../core/errors'
import type { Handler } from './types'

/** Deletes one face and its layers only (an app request: faces are numbered from 1 in its words). */
export const removeFace: Handler<'removeFace'> = {
  queued: false,
  run(p, { state }) {
    const s = state.session(p.sessionId)
    if (p.index >= s.faces.length) throw new HeirloomError('INVALID_REQUEST', `Face ${p.index + 1} does not exist.`)
    s.removeFace(p.index)
    return state.measuredInfo(p.sessionId)
  }
}
