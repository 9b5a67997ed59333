import { loadNpy } from '../../models/npy'
import { basename } from 'node:path'
import { broadcastToLayers } from './latent'

/**
 * An age direction (or average latent) .npy as a full [18,512] w+ block: float32/float64 [1,512], [512],
 * [18,512] or [1,18,512]; a single row is broadcast to all 18 layers. Bad shapes are MODEL_CONTRACT.
 */
export function loadDirectionFile(path: string, label = basename(path)): Float32Array {
  const arr = loadNpy(path)
  return broadcastToLayers(arr.data, arr.dims, label)
}
