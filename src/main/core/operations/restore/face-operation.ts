import type { LoadedModel } from '../../engine'
import type { RgbImage } from '../../image/types'
import type { Face } from '../../geometry/types'
import { DEFAULT_FIDELITY, restoreFaceCrop, restorerSpec } from '../../stages/restore'
import type { FaceOpContext, FaceOpResult, FaceOperation } from '../../pipeline/face-operation'

export interface RestoreParams {
  /** CodeFormer fidelity 0..1 (default 0.5); ignored by graphs without the input. */
  fidelity?: number
  colorTransfer?: boolean
}

/** The restore edit as a FaceOperation (align -> restorer -> colour safeguards). */
export function restoreOperation(model: LoadedModel, params: RestoreParams = {}): FaceOperation {
  const spec = restorerSpec(model)
  const fidelity = params.fidelity ?? DEFAULT_FIDELITY
  const colorTransfer = params.colorTransfer ?? false
  return {
    op: 'restore',
    model: model.entry.id,
    params: { fidelity: spec.fidelityInput ? fidelity : 'fixed', colorTransfer },
    provider: model.session.provider,
    async runFace(img: RgbImage, face: Face, ctx: FaceOpContext): Promise<FaceOpResult> {
      const r = await restoreFaceCrop(model, img, face, {
        fidelity,
        colorTransfer,
        grayscale: ctx.grayscale,
        signal: ctx.signal,
        spec,
        onStep: ctx.onStep
      })
      return { crop: r.crop, affine: r.affine, timings: { ...r.timings }, applied: { fidelity: r.fidelity } }
    }
  }
}
