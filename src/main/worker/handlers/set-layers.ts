import type { Handler } from './types'

/** Strength / visibility of existing layers: a re-blend, no model runs. */
export const setLayers: Handler<'setLayers'> = {
  queued: false,
  run(p, { state }) {
    const s = state.session(p.sessionId)
    if (p.strength !== undefined) s.setStrength(p.layerIds, p.strength)
    if (p.enabled !== undefined) s.setEnabled(p.layerIds, p.enabled)
    return state.measuredInfo(p.sessionId)
  }
}
