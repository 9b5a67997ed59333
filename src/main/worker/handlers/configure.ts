import { applyCredentials } from '../../core/credentials/worker-config'
import { HeirloomError } from '../../core/errors'
import type { Handler } from './types'

/** Switches the execution provider (open photo sessions stay) and the Content Credentials settings. */
export const configure: Handler<'configure'> = {
  queued: true,
  async run(p, { state }) {
    if (p.credentials) applyCredentials(p.credentials, state.engine.store)
    if (p.provider !== state.engine.provider) {
      if (!state.remake) throw new HeirloomError('INTERNAL', 'This worker cannot switch providers.')
      const old = state.engine
      state.engine = state.remake(p.provider)
      await old.dispose()
    }
    return { provider: state.engine.provider }
  }
}
