import { z } from 'zod'
import type { Engine } from '../../engine'
import { HeirloomError } from '../../errors'
import { lanczosBackground } from '../../pipeline/background'
import { openRestoreDeps, restorerRef, type RestoreModelChoice } from '../../pipeline/restore-deps'
import { restoreFile, type RestorePhotoOptions } from '../../pipeline/restore-photo'
import {
  DEFAULT_PARSER_ID,
  HELPER_IDS,
  installedParser,
  measureEditedFaces,
  withPaste
} from '../../pipeline/face-helpers'
import type { FileJobOptions } from '../../pipeline/file-job'
import { minIdentitySchema, modelName, pasteRegionsSchema, unit } from '../common-schemas'
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
  outputScale: z.number().int().min(1).max(8).optional(),
  /** Paste-back: the box, or only the face's skin and features (needs a face parser; default regions when one is). */
  paste: pasteRegionsSchema.optional(),
  /** Keep identity: lower the blend (no model run) until the SFace similarity to the original reaches this. */
  minIdentity: minIdentitySchema.optional()
})
export type RestoreOpParams = z.infer<typeof restoreParams>

/** The models a restore choice needs (restorer id, background upscaler id), without opening them. */
function restoreModels(engine: Engine, p: RestoreOpParams): string[] {
  const ref = restorerRef(p)
  return [
    ...('id' in ref ? [ref.id] : []),
    ...(p.bgUpscaler && p.bgUpscaler !== 'none' ? [p.bgUpscaler] : []),
    // Helpers the params require (installed optional ones are used without being asked for).
    ...(p.minIdentity !== undefined ? [HELPER_IDS.identity] : []),
    ...(p.paste === 'regions' ? [installedParser(engine) ?? DEFAULT_PARSER_ID] : [])
  ]
}

/** `heirloom restore` on one file: decode -> detect -> restore -> (upscale) -> export. */
async function restoreFileJob(
  engine: Engine,
  input: string,
  output: string,
  choice: RestoreModelChoice,
  options: RestorePhotoOptions & FileJobOptions
): ReturnType<typeof restoreFile> {
  return restoreFile(await openRestoreDeps(engine, choice, options), input, output, options)
}

/** Face restoration (GFPGAN, CodeFormer, GPEN, RestoreFormer++): per face, one layer each. */
export const restore = defineOperation({
  id: 'restore',
  kind: 'face',
  params: restoreParams,
  models: restoreModels,
  async apply(engine, session, params, edit) {
    if (session.faces.length === 0) throw new HeirloomError('NO_FACE', 'There is no face to restore in this photo.')
    const deps = await openRestoreDeps(engine, params, { paste: params.paste, minIdentity: params.minIdentity })
    const op = restoreOperation(deps.restorer, { fidelity: params.fidelity, colorTransfer: params.colorTransfer })
    const layers = await session.applyOperation(withPaste(op, deps.helpers, params.paste), edit, params)
    const identity = deps.helpers?.identity
    if (params.minIdentity !== undefined && identity) {
      // Keep identity: the re-blends (strength steps) fold into the restore's step, so one undo reverts both.
      const { steps, current } = session.steps()
      let r: Awaited<ReturnType<typeof measureEditedFaces>>
      try {
        r = await measureEditedFaces({ identity }, session, layers, {
          minIdentity: params.minIdentity,
          signal: edit.signal
        })
      } catch (err) {
        // One user action: a cancel or failure during the re-blend leaves neither it nor the restore on screen.
        while (session.steps().current >= current && session.undo()) continue
        throw err
      }
      for (const [i, f] of r.byFace) edit.onFaceReport?.(i, f)
      session.squashSteps(session.steps().current - current + 1, steps[current])
    }
    if (params.outputScale !== undefined || deps.background) {
      await session.setOutputScale(params.outputScale ?? session.outputScale, deps.background ?? lanczosBackground, {
        signal: edit.signal,
        onProgress: edit.onProgress
      })
    }
  },
  fileJob: restoreFileJob,
  label: (step) => `${faceStepLabel(step)}${step.params.minIdentity !== undefined ? ' + keep identity' : ''}`
})
