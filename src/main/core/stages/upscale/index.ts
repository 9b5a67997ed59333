import { HeirloomError, throwIfAborted } from '../../errors'
import type { RgbImage } from '../../image/types'
import type { ModelSession } from '../../runtime/types'
import { blendTile } from './postprocess'
import { tileToTensor } from './preprocess'
import { isOutOfMemory, runUpscaleTile } from './run'
import { planTiles } from './tiles'

export { planTiles, rampWeights, type Tile, type TilePlan } from './tiles'
export { isOutOfMemory } from './run'

export const DEFAULT_TILE = 400
export const DEFAULT_OVERLAP = 10
export const MIN_TILE = 32

export interface UpscaleTiledOptions {
  /** The model's own scale (output / input). */
  scale: number
  /** Core tile side in input pixels; default 400. Halved (down to 32) when a run fails for memory. */
  tile?: number
  /** Context pixels around each core; also the width of the cross-fade band. Default 10. */
  overlap?: number
  signal?: AbortSignal
  onTile?: (done: number, total: number) => void
  /** Told when the tile size had to shrink. */
  onTileSizeChange?: (tile: number) => void
  inputName?: string
  outputName?: string
  channels?: 'RGB' | 'BGR'
  mean?: readonly [number, number, number]
  std?: readonly [number, number, number]
  outputRange?: '[-1,1]' | '[0,1]' | '[0,255]'
}

const RANGES = { '[-1,1]': [-1, 1], '[0,1]': [0, 1], '[0,255]': [0, 255] } as const

/**
 * Upscales `img` by the model's scale in tiles: only one tile tensor exists at a time, outputs are cross-faded into
 * the result. A run that fails for memory restarts the pass with half the tile size.
 */
export async function upscaleTiled(session: ModelSession, img: RgbImage, opts: UpscaleTiledOptions): Promise<RgbImage> {
  const scale = opts.scale
  if (!Number.isInteger(scale) || scale < 1)
    throw new HeirloomError('INVALID_REQUEST', `Upscale factor must be a positive integer, got ${scale}.`)
  const overlap = Math.max(0, Math.round(opts.overlap ?? DEFAULT_OVERLAP))
  let tile = Math.max(MIN_TILE, Math.round(opts.tile ?? DEFAULT_TILE))
  // Bound by name when the graph has that name, else by position (one input, one output).
  const pick = (want: string | undefined, have: readonly string[], dflt: string): string =>
    want !== undefined && have.includes(want) ? want : (have[0] ?? want ?? dflt)
  const names = {
    input: pick(opts.inputName, session.inputNames, 'input'),
    output: pick(opts.outputName, session.outputNames, 'output')
  }
  const spec = { channels: opts.channels ?? 'RGB', mean: opts.mean ?? [0, 0, 0], std: opts.std ?? [1, 1, 1] } as const
  const [outLo, outHi] = RANGES[opts.outputRange ?? '[0,1]']
  const out: RgbImage = {
    width: img.width * scale,
    height: img.height * scale,
    data: new Uint8Array(img.width * scale * img.height * scale * 3)
  }
  for (;;) {
    const plan = planTiles(img.width, img.height, tile, overlap)
    try {
      for (let i = 0; i < plan.tiles.length; i++) {
        throwIfAborted(opts.signal)
        const t = plan.tiles[i]
        const tensor = tileToTensor(img, t, spec)
        const result = await runUpscaleTile(session, names, tensor, scale, opts.signal)
        blendTile(out, result, t, plan, scale, overlap / 2, { channels: spec.channels, outLo, outHi })
        opts.onTile?.(i + 1, plan.tiles.length)
      }
      return out
    } catch (err) {
      const smaller = Math.floor(tile / 2)
      if (opts.signal?.aborted || !isOutOfMemory(err) || smaller < MIN_TILE || plan.tiles.length === 0) throw err
      tile = smaller
      opts.onTileSizeChange?.(tile)
    }
  }
}
