import type { Handler } from './types'

export const close: Handler<'close'> = {
  queued: false,
  run: (p, { state }) => ({ closed: state.photos.delete(p.sessionId) })
}
