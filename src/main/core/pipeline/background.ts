import type { LoadedModel } from '../engine'
import type { RgbImage } from '../image/types'
import { resizeRgb } from '../image/resize'
import { upscaleWithModel } from '../stages/upscale/background'

/** How the whole photo is brought to the output scale before faces are pasted. */
export interface BackgroundUpscaler {
  /** 'lanczos' or the upscaler's model id (goes into the provenance note). */
  readonly id: string
  upscale(
    img: RgbImage,
    scale: number,
    opts: { signal?: AbortSignal; onTile?: (done: number, total: number) => void }
  ): Promise<RgbImage>
}

export const lanczosBackground: BackgroundUpscaler = {
  id: 'lanczos',
  upscale: (img, scale) => resizeRgb(img, Math.round(img.width * scale), Math.round(img.height * scale), 'lanczos3')
}

/** Real-ESRGAN-style background upscaler, tiled (manifest options, else 400 px tiles with 10 px overlap). */
export function modelBackground(
  model: LoadedModel,
  opts: { tile?: number; overlap?: number } = {}
): BackgroundUpscaler {
  const o = model.entry.options ?? {}
  const tile = opts.tile ?? (typeof o.tile === 'number' ? o.tile : undefined)
  const overlap = opts.overlap ?? (typeof o.overlap === 'number' ? o.overlap : undefined)
  return {
    id: model.entry.id,
    upscale: (img, scale, o) =>
      upscaleWithModel(model, img, scale, { tile, overlap, signal: o.signal, onTile: o.onTile })
  }
}
