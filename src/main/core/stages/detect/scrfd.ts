import { letterboxFamily } from './letterbox-family'
import { decodeScrfd } from './scrfd-decode'
import type { DetectorFamily } from './types'

/**
 * SCRFD / RetinaFace exported by InsightFace: RGB (InsightFace's blobFromImage swaps BGR->RGB), (x-127.5)/128,
 * letterboxed top-left. Fixed-size exports use their size; dynamic ones get the image padded to a multiple of 32.
 */
export const scrfdFamily: DetectorFamily = letterboxFamily({
  family: 'scrfd',
  label: 'SCRFD',
  defaultMinScore: 0.5,
  dynamicTileSide: 640,
  pack: { channels: 'RGB', mean: [127.5, 127.5, 127.5], scale: 1 / 128 },
  decode: decodeScrfd
})
