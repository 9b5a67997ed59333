import { z } from 'zod'
import type { Engine } from '../../engine'
import { HeirloomError } from '../../errors'
import { lanczosBackground } from '../../pipeline/background'
import { openRestoreDeps, restorerRef, type RestoreModelChoice } from '../../pipeline/restore-deps'
import { restoreFile, type RestorePhotoOptions } from '../../pipeline/restore-photo'
import type { FileJobOptions } from '../../pipeline/file-job'
import { modelName, unit } from '../common-schemas'
import { faceStepLabel } from '../labels'
import { defineOperation } from '../types'
import { restoreOperation } from './face-operation'

/** Params of a restore edit: which restorer (and background upscaler), its fidelity, and the output scale after. */
export const restoreParams = z.strictObject({
  model: modelName.optional(),
  modelFile: modelName.optional(),
  modelKind: z.enum(['gfpgan', 'codeformer', 'gpen', 'restoreformer']).optional(),
  /** Background upscaler for the output scale (manifest id, or 'none' for Lanczos). */
  bgUpscaler: modelName.optional(),
  bgTile: z.number().int().positive().optional(),
  /** CodeFormer fidelity 0..1; ignored by graphs without that input. */
  fidelity: unit.optional(),
  colorTransfer: z.boolean().optional(),
  /** Whole-photo output scale to set after the faces (its background is bgUpscaler, else Lanczos). */
  outputScale: z.number().int().min(1).max(8).optional()
})
export type RestoreOpParams = z.infer<typeof restoreParams>

/** The models a restore choice needs (restorer id, background upscaler id), without opening them. */
function restoreModels(_engine: Engine, p: RestoreOpParams): string[] {
  const ref = restorerRef(p)
  return [...('id' in ref ? [ref.id] : []), ...(p.bgUpscaler && p.bgUpscaler !== 'none' ? [p.bgUpscaler] : [])]
}

/** `heirloom restore` on one file: decode -> detect -> restore -> (upscale) -> export. */
async function restoreFileJob(
  engine: Engine,
  input: string,
  output: string,
  choice: RestoreModelChoice,
  options: RestorePhotoOptions & FileJobOptions
): ReturnType<typeof restoreFile> {
  return restoreFile(await openRestoreDeps(engine, choice), input, output, options)
}

/** Face restoration (GFPGAN, CodeFormer, GPEN, RestoreFormer++): per face, one layer each. */
export const restore = defineOperation({
  id: 'restore',
  kind: 'face',
  params: restoreParams,
  models: restoreModels,
  async apply(engine, session, params, edit) {
    if (session.faces.length === 0) throw new HeirloomError('NO_FACE', 'There is no face to restore in this photo.')
    const deps = await openRestoreDeps(engine, params)
    const op = restoreOperation(deps.restorer, { fidelity: params.fidelity, colorTransfer: params.colorTransfer })
    await session.applyOperation(op, edit, params)
    if (params.outputScale !== undefined || deps.background) {
      await session.setOutputScale(params.outputScale ?? session.outputScale, deps.background ?? lanczosBackground, {
        signal: edit.signal,
        onProgress: edit.onProgress
      })
    }
  },
  fileJob: restoreFileJob,
  label: faceStepLabel
})
