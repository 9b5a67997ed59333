import type { LoadedModel } from '../../engine'
import { HeirloomError } from '../../errors'
import type { RgbImage } from '../../image/types'
import { resizeRgb } from '../../image/resize'
import { upscaleTiled, type UpscaleTiledOptions } from './index'

export type BackgroundOptions = Omit<
  UpscaleTiledOptions,
  'scale' | 'inputName' | 'outputName' | 'channels' | 'mean' | 'std' | 'outputRange'
>

/** The model's own scale: contract.scale, else read from fixed output/input dims, else a tiny probe run. */
export async function modelScale(model: LoadedModel): Promise<number> {
  const declared = model.entry.contract?.scale
  if (declared) return declared
  const inDims = model.session.inputs[0]?.dims ?? []
  const outDims = model.session.outputs[0]?.dims ?? []
  const ih = inDims[2]
  const oh = outDims[2]
  if (typeof ih === 'number' && typeof oh === 'number' && ih > 0 && oh % ih === 0) return oh / ih
  const probe = await model.session.run({
    [model.session.inputNames[0] ?? 'input']: {
      type: 'float32',
      data: new Float32Array(3 * 16 * 16),
      dims: [1, 3, 16, 16]
    }
  })
  const t = Object.values(probe)[0]
  const w = t?.dims[3]
  if (typeof w !== 'number' || w % 16 !== 0 || w < 16) {
    throw new HeirloomError('MODEL_CONTRACT', `Cannot tell the scale of upscaler "${model.entry.id}".`)
  }
  return w / 16
}

/**
 * Upscales a whole photo by `outscale` with a Real-ESRGAN-style model: tiled at the model's own scale, then
 * resized (Lanczos) when the requested factor differs, as GFPGAN does with its x2 background.
 */
export async function upscaleWithModel(
  model: LoadedModel,
  img: RgbImage,
  outscale: number,
  opts: BackgroundOptions = {}
): Promise<RgbImage> {
  const c = model.entry.contract
  const scale = await modelScale(model)
  const up = await upscaleTiled(model.session, img, {
    ...opts,
    scale,
    inputName: c?.inputs[0]?.name,
    outputName: c?.outputs[0]?.name,
    channels: c?.channels ?? 'RGB',
    mean: c?.mean ?? [0, 0, 0],
    std: c?.std ?? [1, 1, 1],
    outputRange: c?.outputRange ?? '[0,1]'
  })
  const w = Math.round(img.width * outscale)
  const h = Math.round(img.height * outscale)
  return up.width === w && up.height === h ? up : resizeRgb(up, w, h, 'lanczos3')
}
