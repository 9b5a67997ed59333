import type { LoadedModel } from '../engine'
import type { RgbImage } from '../image/types'
import { resizeRgb } from '../image/resize'
import { upscaleWithModel } from '../stages/upscale/background'

/** How the whole photo is brought to the output scale before faces are pasted. */
export interface BackgroundUpscaler {
  /** 'lanczos' or the upscaler's model id (goes into the provenance note). */
  readonly id: string
  upscale(img: RgbImage, scale: number, opts: { signal?: AbortSignal; onTile?: (done: number, total: number) => void }): Promise<RgbImage>
}

export const lanczosBackground: BackgroundUpscaler = {
  id: 'lanczos',
  upscale: (img, scale) => resizeRgb(img, Math.round(img.width * scale), Math.round(img.height * scale), 'lanczos3')
}

/** Real-ESRGAN-style background upscaler, tiled (default 400 px tiles, 10 px overlap). */
export function modelBackground(model: LoadedModel, opts: { tile?: number; overlap?: number } = {}): BackgroundUpscaler {
  return {
    id: model.entry.id,
    upscale: (img, scale, o) => upscaleWithModel(model, img, scale, { ...opts, signal: o.signal, onTile: o.onTile })
  }
}
