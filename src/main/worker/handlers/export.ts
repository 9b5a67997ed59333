import type { Handler } from './types'

/** Writes the composed photo (never over the opened original). */
export const exportPhoto: Handler<'export'> = {
  queued: true,
  async run(p, { state, signal, progress }) {
    const open = state.photo(p.sessionId)
    await state.outputScale(open.session, p.scale, p.bgUpscaler, signal, progress)
    progress?.({ stage: 'export' })
    return open.export(p)
  }
}
