import type { LoadedModel } from '../../engine'
import { HeirloomError, throwIfAborted } from '../../errors'
import { scaleAffineOutput } from '../../geometry/affine'
import type { Affine, Face } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { restorerSpec, type RestorerSpec } from './contract'
import { applyColourSafeguards, restoredCrop } from './postprocess'
import { restoreAffine, restoreInputTensor } from './preprocess'
import { runRestorer } from './run'

export { restorerSpec, RESTORER_FAMILIES, type RestorerSpec } from './contract'
export { applyColourSafeguards, skinMask, type ColourSafeguards } from './postprocess'

export const DEFAULT_FIDELITY = 0.5

export interface RestoreFaceOptions {
  /** CodeFormer fidelity w in 0..1 (0 = most restoration, 1 = most faithful); default 0.5. */
  fidelity?: number
  colorTransfer?: boolean
  /** The photo is grayscale (keep the face gray). */
  grayscale?: boolean
  signal?: AbortSignal
  /** Pre-resolved spec (saves re-reading the contract per face). */
  spec?: RestorerSpec
  /** Progress inside the face: align, then the model run, then the paste-ready crop. */
  onStep?: (step: 'align' | 'model' | 'paste') => void
}

export interface FaceTimings {
  align: number
  model: number
  post: number
}

export interface RestoredFace {
  /** Restored face, square, at the model's output size. */
  crop: RgbImage
  /** Image -> crop pixels (already scaled when the model's output is larger than its input). */
  affine: Affine
  /** The fidelity that reached the graph, or 'fixed' when the export has no fidelity input. */
  fidelity: number | 'fixed'
  timings: FaceTimings
}

/** Align one face, run the restorer, map back to pixels and apply the colour safeguards. */
export async function restoreFaceCrop(
  model: LoadedModel,
  img: RgbImage,
  face: Face,
  opts: RestoreFaceOptions = {}
): Promise<RestoredFace> {
  const fidelity = opts.fidelity ?? DEFAULT_FIDELITY
  if (!(fidelity >= 0 && fidelity <= 1))
    throw new HeirloomError('INVALID_REQUEST', `Fidelity must be within 0..1 (got ${fidelity}).`)
  throwIfAborted(opts.signal)
  const spec = opts.spec ?? restorerSpec(model)
  const t0 = performance.now()
  opts.onStep?.('align')
  const affine = restoreAffine(face.landmarks, spec)
  const tensor = restoreInputTensor(img, affine, spec)
  const t1 = performance.now()
  opts.onStep?.('model')
  const out = await runRestorer(model.session, spec, tensor, { fidelity, signal: opts.signal })
  const t2 = performance.now()
  opts.onStep?.('paste')
  const raw = restoredCrop(out, spec)
  const outAffine = out.width === spec.cropSize ? affine : scaleAffineOutput(affine, out.width / spec.cropSize)
  const crop = applyColourSafeguards(raw, img, outAffine, {
    grayscale: opts.grayscale ?? false,
    colorTransfer: opts.colorTransfer ?? false
  })
  const t3 = performance.now()
  return {
    crop,
    affine: outAffine,
    fidelity: spec.fidelityInput ? fidelity : 'fixed',
    timings: { align: t1 - t0, model: t2 - t1, post: t3 - t2 }
  }
}
