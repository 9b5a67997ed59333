import { HeirloomError } from '../../core/errors'
import type { Handler } from './types'

/** Jumps to a history step by undoing / redoing to it. */
export const gotoStep: Handler<'gotoStep'> = {
  queued: false,
  run(p, { state }) {
    const s = state.session(p.sessionId)
    const { steps, current } = s.steps()
    if (!(Number.isInteger(p.index) && p.index >= 0 && p.index < steps.length)) {
      throw new HeirloomError('INVALID_REQUEST', `History has ${steps.length} steps.`)
    }
    for (let i = current; i > p.index; i--) s.undo()
    for (let i = current; i < p.index; i++) s.redo()
    return state.measuredInfo(p.sessionId)
  }
}
