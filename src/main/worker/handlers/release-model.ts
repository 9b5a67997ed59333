import type { Handler } from './types'

/** Drops a cached model session (before the file is removed). */
export const releaseModel: Handler<'releaseModel'> = {
  queued: true,
  async run(p, { state }) {
    await state.engine.sessions.dispose(p.path)
    return { released: true }
  }
}
