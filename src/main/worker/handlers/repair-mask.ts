import { repairMaskAtCursor } from '../../core/operations/repair'
import type { Handler } from './types'

/** The mask the repair step at the history cursor used (reads history only, so it answers at once). */
export const repairMask: Handler<'repairMask'> = {
  queued: false,
  run: (p, { state }) => repairMaskAtCursor(state.session(p.sessionId))
}
