import { HeirloomError } from '../../errors'
import { ALL_LAYERS, NUM_LAYERS, type LayerRange } from './latent'

/**
 * Reads a layer range from a manifest option or a CLI value: "4-8" or "4..8" (inclusive both ends, as people
 * count layers), a single layer "5", or a JSON-ish pair [start, end) from a manifest. Undefined -> all 18 layers.
 */
export function parseLayerRange(value: unknown): LayerRange {
  if (value === undefined || value === null || value === '' || value === 'all') return ALL_LAYERS
  if (Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v))) {
    return checkRange(value[0] as number, value[1] as number, String(value))
  }
  if (typeof value === 'number' && Number.isInteger(value)) return checkRange(value, value + 1, String(value))
  if (typeof value === 'string') {
    const m = /^\s*(\d+)\s*(?:(?:-|\.\.)\s*(\d+)\s*)?$/.exec(value)
    if (m) {
      const first = Number(m[1])
      const last = m[2] === undefined ? first : Number(m[2])
      return checkRange(first, last + 1, value)
    }
  }
  throw new HeirloomError(
    'INVALID_REQUEST',
    `Layer range ${JSON.stringify(value)} is not valid: use "all", one layer like "5" or an inclusive range like "0-7".`
  )
}

function checkRange(start: number, end: number, text: string): LayerRange {
  if (start < 0 || end > NUM_LAYERS || start >= end) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Layer range "${text}" is outside the ${NUM_LAYERS} w+ layers (0..${NUM_LAYERS - 1}) or empty.`
    )
  }
  return [start, end]
}
