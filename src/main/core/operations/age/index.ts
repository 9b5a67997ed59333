import { z } from 'zod'
import type { Engine } from '../../engine'
import { HeirloomError } from '../../errors'
import { openRestoreDeps, restorerRef } from '../../pipeline/restore-deps'
import { openAgeModels, resolveRoute, routeModelIds } from '../../stages/age/models'
import { ageAmountSchema, ageChoiceSchema, restoreChoiceSchema, unit } from '../common-schemas'
import { faceStepLabel } from '../labels'
import { restoreOperation } from '../restore/face-operation'
import { defineOperation } from '../types'
import { ageFileJob } from './file-job'
import { ageOperation } from './face-operation'

/** Params of an age edit: the route's models, how much, and optionally a restore of the same faces after. */
export const ageParams = z.strictObject({
  choice: ageChoiceSchema,
  amount: ageAmountSchema,
  restoreAfter: z.strictObject({ choice: restoreChoiceSchema, strength: unit.optional() }).optional()
})
export type AgeOpParams = z.infer<typeof ageParams>

function ageModels(engine: Engine, p: AgeOpParams): string[] {
  const { route, slot } = resolveRoute(engine, p.choice)
  const ids = routeModelIds(engine, route, slot, p.choice)
  if (p.restoreAfter) {
    const ref = restorerRef(p.restoreAfter.choice)
    if ('id' in ref) ids.push(ref.id)
  }
  return ids
}

/** Face aging (e4e/pSp latent route, SAM, StyleGANEX): per face; "+ restore" folds a restore into the same step. */
export const age = defineOperation({
  id: 'age',
  kind: 'face',
  params: ageParams,
  models: ageModels,
  async apply(engine, session, params, edit) {
    if (session.faces.length === 0) throw new HeirloomError('NO_FACE', 'There is no face to age in this photo.')
    const models = await openAgeModels(engine, params.choice)
    // Open the restorer before aging: a missing one fails before anything changes.
    const restore = params.restoreAfter ? await openRestoreDeps(engine, params.restoreAfter.choice) : undefined
    await session.applyOperation(ageOperation(models, params.amount), edit, params)
    if (!restore || !params.restoreAfter) return
    const aged = session.steps()
    const agedStep = aged.steps[aged.current]
    try {
      await session.applyOperation(restoreOperation(restore.restorer, {}), {
        faces: edit.faces,
        strength: params.restoreAfter.strength ?? edit.strength,
        mask: edit.mask,
        signal: edit.signal,
        onProgress: edit.onProgress
      })
    } catch (err) {
      session.undo() // one user action: no half-done age + restore left on screen
      throw err
    }
    session.squashSteps(2, agedStep)
  },
  fileJob: ageFileJob,
  label: (step) => `${faceStepLabel(step)}${step.params.restoreAfter ? ' + restore' : ''}`
})
