import type { Engine } from '../../engine'
import { HeirloomError } from '../../errors'
import { restorerRef, type RestoreModelChoice } from '../../pipeline/restore-deps'
import type { AgeJobDeps } from '../../stages/age/age-photo'
import { openAgeModels, type AgeModelChoice } from '../../stages/age/models'
import { detectFaces, type DetectOptions } from '../../stages/detect'
import { openHelpers } from '../../pipeline/face-helpers'

/** Which models an age photo job uses (plain data: it crosses to the worker). */
export interface AgeJobSpec {
  choice: AgeModelChoice
  /** Restore the aged faces afterwards with this restorer (default restorer when the choice is empty). */
  restoreAfter?: RestoreModelChoice
  detect?: Omit<DetectOptions, 'signal'>
}

/** Opens the age models, the optional restorer, and binds the detector to the engine. */
export async function openAgeJobDeps(engine: Engine, spec: AgeJobSpec): Promise<AgeJobDeps> {
  const models = await openAgeModels(engine, spec.choice)
  let restorer: AgeJobDeps['restorer']
  if (spec.restoreAfter) {
    restorer = await engine.openModel(restorerRef(spec.restoreAfter))
    if (restorer.entry.kind !== 'restorer') {
      throw new HeirloomError(
        'INVALID_REQUEST',
        `Restoring after aging needs a restorer; "${restorer.entry.id}" is a ${restorer.entry.kind}.`,
        {
          reason: 'not-a-restorer',
          modelId: restorer.entry.id,
          fields: { model: restorer.entry.id, kind: restorer.entry.kind }
        }
      )
    }
  }
  const detect = spec.detect ?? {}
  const helpers = await openHelpers(engine, { paste: 'box' })
  return {
    models,
    helpers,
    ...(restorer ? { restorer } : {}),
    findFaces: async (img, signal) => {
      const r = await detectFaces(engine, img, { ...detect, signal })
      return { faces: r.faces, detector: r.detector }
    }
  }
}
