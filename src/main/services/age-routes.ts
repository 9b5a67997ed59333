import type { AgeRequest, AgeRouteInfo } from '../../shared/ipc/types'
import { HeirloomError } from '../core/errors'
import type { ModelStore } from '../core/models/store'
import {
  DEFAULT_LATENT_CALIBRATION,
  DEFAULT_STYLEGANEX_CALIBRATION,
  type AgeAmount
} from '../core/stages/age/calibration'
import type { AgeModelChoice } from '../core/stages/age/models'
import type { AgeRoute } from '../core/stages/age/types'

/** The manifest models each route needs (ids as in models/manifest.json). */
export const AGE_ROUTES: readonly { id: AgeRoute; name: string; models: string[]; edits: 'years' | 'target-age' }[] = [
  { id: 'styleganex', name: 'StyleGANEX age (one model)', models: ['styleganex-age'], edits: 'years' },
  {
    id: 'latent',
    name: 'e4e latent direction',
    models: ['e4e-ffhq-encoder', 'stylegan2-ffhq-generator', 'e4e-age-direction'],
    edits: 'years'
  },
  {
    id: 'sam',
    name: 'SAM age transformation',
    models: ['sam-encoder', 'sam-pretrained-encoder', 'sam-decoder', 'sam-latent-avg'],
    edits: 'target-age'
  }
]

/** The manifest entry whose options carry a route's years calibration, and the guess used without one. */
const CALIBRATION_SOURCE: Partial<Record<AgeRoute, { id: string; perYear: number }>> = {
  styleganex: { id: 'styleganex-age', perYear: DEFAULT_STYLEGANEX_CALIBRATION.latentPerYear },
  latent: { id: 'e4e-age-direction', perYear: DEFAULT_LATENT_CALIBRATION.latentPerYear }
}

function yearsCalibration(store: ModelStore, route: AgeRoute): Pick<AgeRouteInfo, 'yearsCalibrated' | 'factorPerYear'> {
  const source = CALIBRATION_SOURCE[route]
  if (!source) return { yearsCalibrated: true }
  const known = store.list().some((m) => m.id === source.id)
  const options = known ? store.entry(source.id).options : undefined
  const perYear = options?.latentPerYear
  const measured = options?.calibrated === true && typeof perYear === 'number'
  return { yearsCalibrated: measured, factorPerYear: typeof perYear === 'number' ? perYear : source.perYear }
}

export function ageRouteInfos(store: ModelStore): AgeRouteInfo[] {
  const known = new Set(store.list().map((m) => m.id))
  return AGE_ROUTES.map((r) => ({
    id: r.id,
    name: r.name,
    models: r.models,
    installed: r.models.every((id) => known.has(id) && store.isInstalled(id)),
    edits: r.edits,
    ...yearsCalibration(store, r.id)
  }))
}

/** What the worker needs to run an age request: which models to open and how much to age. */
export interface AgeJob {
  choice: AgeModelChoice
  amount: AgeAmount
}

/** The model each route starts from; openAgeModels finds the rest (generator, direction, companions). */
const ROUTE_START: Record<AgeRoute, string> = {
  styleganex: 'styleganex-age',
  latent: 'e4e-ffhq-encoder',
  sam: 'sam-encoder'
}

/**
 * Checks that the route's models are installed (MODEL_MISSING names what to download in the Models panel) and
 * builds the worker's age choice. Opening the models and running them happens in the pipeline worker.
 */
export function ageJobFor(
  store: ModelStore,
  req: Pick<AgeRequest, 'route' | 'model' | 'years' | 'targetAge' | 'currentAge'>
): AgeJob {
  const route = AGE_ROUTES.find((r) => r.id === req.route)
  if (!route) throw new HeirloomError('INVALID_REQUEST', `Unknown age route "${req.route}".`)
  const missing = route.models.filter((id) => !store.isInstalled(id))
  if (missing.length > 0) {
    const names = missing.map((id) => {
      try {
        return store.entry(id).name
      } catch {
        return id
      }
    })
    throw new HeirloomError('MODEL_MISSING', `The ${route.name} route needs ${names.join(', ')}.`, {
      modelId: missing[0]
    })
  }
  const current = req.currentAge !== undefined ? { currentAge: req.currentAge } : {}
  // Only StyleGANEX has alternatives the request may name; the other routes start from their encoder.
  const model = route.id === 'styleganex' ? (req.model ?? ROUTE_START.styleganex) : ROUTE_START[route.id]
  return {
    choice: { model },
    amount:
      req.targetAge !== undefined
        ? { kind: 'target', age: req.targetAge, ...current }
        : { kind: 'delta', years: req.years, ...current }
  }
}
