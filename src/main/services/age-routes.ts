import type { AgeRequest, AgeRouteInfo } from '../../shared/ipc/types'
import type { Engine } from '../core/engine'
import { HeirloomError } from '../core/errors'
import type { FaceOperation } from '../core/pipeline/face-operation'
import { ageOperation } from '../core/stages/age/age-operation'
import { ageOptionsOf, calibrationOf } from '../core/stages/age/age-options'
import { DEFAULT_LATENT_CALIBRATION, DEFAULT_STYLEGANEX_CALIBRATION } from '../core/stages/age/calibration'
import { loadDirectionFile } from '../core/stages/age/direction'
import { parseLayerRange } from '../core/stages/age/layer-range'
import type { AgeModels, AgeRoute, NamedSession } from '../core/stages/age/types'

/** The manifest models each route needs (ids as in models/manifest.json). */
export const AGE_ROUTES: readonly { id: AgeRoute; name: string; models: string[] }[] = [
  { id: 'styleganex', name: 'StyleGANEX age (one model)', models: ['styleganex-age'] },
  { id: 'latent', name: 'e4e latent direction', models: ['e4e-ffhq-encoder', 'stylegan2-ffhq-generator', 'e4e-age-direction'] },
  { id: 'sam', name: 'SAM age transformation', models: ['sam-encoder', 'sam-pretrained-encoder', 'sam-decoder', 'sam-latent-avg'] }
]

export function ageRouteInfos(engine: Engine): AgeRouteInfo[] {
  const known = new Set(engine.store.list().map((m) => m.id))
  return AGE_ROUTES.map((r) => ({
    id: r.id,
    name: r.name,
    models: r.models,
    installed: r.models.every((id) => known.has(id) && engine.store.isInstalled(id))
  }))
}

async function named(engine: Engine, id: string): Promise<NamedSession> {
  const m = await engine.openModel({ id })
  return { session: m.session, label: id }
}

/** Opens the route's models (MODEL_MISSING names what to download) and returns the age FaceOperation. */
export async function openAgeOperation(engine: Engine, req: AgeRequest): Promise<FaceOperation> {
  const route = AGE_ROUTES.find((r) => r.id === req.route)
  if (!route) throw new HeirloomError('INVALID_REQUEST', `Unknown age route "${req.route}".`)
  const missing = route.models.filter((id) => !engine.store.isInstalled(id))
  if (missing.length > 0) {
    throw new HeirloomError('MODEL_MISSING', `The ${route.name} route needs ${missing.join(', ')}. Download them in the Models panel.`)
  }
  let models: AgeModels
  if (route.id === 'styleganex') {
    const id = req.model ?? 'styleganex-age'
    models = { route: 'styleganex', model: await named(engine, id), calibration: calibrationOf(ageOptionsOf(engine.store.entry(id)), DEFAULT_STYLEGANEX_CALIBRATION) }
  } else if (route.id === 'latent') {
    const dirOpts = ageOptionsOf(engine.store.entry('e4e-age-direction'))
    models = {
      route: 'latent',
      encoder: await named(engine, 'e4e-ffhq-encoder'),
      generator: await named(engine, 'stylegan2-ffhq-generator'),
      direction: loadDirectionFile(await engine.modelPath('e4e-age-direction')),
      directionLabel: 'e4e-age-direction',
      calibration: calibrationOf(dirOpts, DEFAULT_LATENT_CALIBRATION),
      layers: parseLayerRange(dirOpts.layers)
    }
  } else {
    models = {
      route: 'sam',
      encoder: await named(engine, 'sam-encoder'),
      pretrained: await named(engine, 'sam-pretrained-encoder'),
      averageLatent: loadDirectionFile(await engine.modelPath('sam-latent-avg')),
      generator: await named(engine, 'sam-decoder')
    }
  }
  return ageOperation(models, req.targetAge !== undefined ? { kind: 'target', age: req.targetAge } : { kind: 'delta', years: req.years })
}
