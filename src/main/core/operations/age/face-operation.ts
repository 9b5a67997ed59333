import type { Face } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { keepGrayscale } from '../../warp/colour'
import type { FaceOpContext, FaceOpResult, FaceOperation } from '../../pipeline/face-operation'
import { ageFace } from '../../stages/age/age-face'
import type { AgeAmount } from '../../stages/age/calibration'
import type { AgeModels } from '../../stages/age/types'

/** Model names for the layer/provenance: "encoder + generator + direction" or the single graph. */
export function ageModelLabel(models: AgeModels): string {
  switch (models.route) {
    case 'latent':
      return `${models.encoder.label} + ${models.generator.label} + ${models.directionLabel}`
    case 'sam':
      return [models.encoder.label, models.pretrained?.label, models.generator.label].filter(Boolean).join(' + ')
    case 'styleganex':
      return models.model.label
  }
}

function amountParams(amount: AgeAmount): Record<string, unknown> {
  switch (amount.kind) {
    case 'delta':
      return { delta: amount.years, ...(amount.currentAge === undefined ? {} : { currentAge: amount.currentAge }) }
    case 'target':
      return { targetAge: amount.age, ...(amount.currentAge === undefined ? {} : { currentAge: amount.currentAge }) }
    case 'factor':
      return { editFactor: amount.k }
  }
}

/** The age edit as a FaceOperation for the edit session and the photo-level loop (which paste it). */
export function ageOperation(models: AgeModels, amount: AgeAmount): FaceOperation {
  return {
    op: 'age',
    model: ageModelLabel(models),
    params: { route: models.route, ...amountParams(amount) },
    provider: models.route === 'styleganex' ? models.model.session.provider : models.generator.session.provider,
    async runFace(img: RgbImage, face: Face, ctx: FaceOpContext): Promise<FaceOpResult> {
      const t0 = performance.now()
      const aged = await ageFace(models, img, face.landmarks, { amount, signal: ctx.signal, onStep: ctx.onStep })
      const t1 = performance.now()
      if (ctx.grayscale) keepGrayscale(aged.face)
      return {
        crop: aged.face,
        affine: aged.affine,
        timings: { model: t1 - t0, post: performance.now() - t1 },
        applied: { ...aged.params }
      }
    }
  }
}
