import type { LoadedModel } from '../../engine'
import type { FaceOperation } from '../../pipeline/face-operation'
import { faceRegionMask } from './bisenet'

/**
 * `operation` with face-region paste-back: after the edit, the parser labels the ORIGINAL crop (what the user's photo
 * shows there: hair, a hand, a hat), so only skin and features take the edited face (FaceFusion masks the target crop
 * the same way in facefusion/face_masker.py).
 */
export function withFaceRegions(operation: FaceOperation, parser: LoadedModel): FaceOperation {
  return {
    op: operation.op,
    model: operation.model,
    params: { ...operation.params, paste: 'regions', parser: parser.entry.id },
    provider: operation.provider,
    async runFace(img, face, ctx) {
      const r = await operation.runFace(img, face, ctx)
      const t0 = performance.now()
      const regionMask = await faceRegionMask(parser, img, r.affine, r.crop.width, r.crop.height, ctx.signal)
      return { ...r, regionMask, timings: { ...r.timings, parse: performance.now() - t0 } }
    }
  }
}
