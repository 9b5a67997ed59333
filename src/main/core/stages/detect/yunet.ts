import { letterboxFamily } from './letterbox-family'
import type { DetectorFamily } from './types'
import { decodeYunet } from './yunet-decode'

/** YuNet: BGR 0..255, no normalisation, padded right/bottom with zeros; dynamic models take multiples of 32. */
export const yunetFamily: DetectorFamily = letterboxFamily({
  family: 'yunet',
  label: 'YuNet',
  defaultMinScore: 0.6,
  dynamicTileSide: 960,
  pack: { channels: 'BGR', mean: [0, 0, 0], scale: 1 },
  decode: decodeYunet
})
