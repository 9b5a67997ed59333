import type { Handler } from './types'

export const preview: Handler<'preview'> = {
  queued: false,
  run: (p, { state }) => state.photo(p.sessionId).preview(p.variant, p.maxSide)
}
