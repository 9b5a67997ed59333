import { inspectModel as inspect } from '../../core/models/inspect'
import type { Handler } from './types'

export const inspectModel: Handler<'inspectModel'> = {
  queued: true,
  run: (p, { state }) => inspect(state.engine.store, p.idOrFile)
}
