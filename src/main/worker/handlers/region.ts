import type { Handler } from './types'

export const region: Handler<'region'> = {
  queued: false,
  run: (p, { state }) => state.photo(p.sessionId).region(p.variant, p.rect)
}
