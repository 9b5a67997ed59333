import type { Engine, LoadedModel, ModelRef } from '../engine'
import { HeirloomError } from '../errors'
import { loadManifest } from '../models/manifest'
import { detectFaces, type DetectOptions } from '../stages/detect'
import { RESTORER_FAMILIES } from '../stages/restore'
import { modelBackground } from './background'
import type { RestoreJobDeps } from './restore-photo'
import { openHelpers, type HelperChoice } from './face-helpers'

export type RestorerKind = 'gfpgan' | 'codeformer' | 'gpen' | 'restoreformer'
export const RESTORER_KINDS: readonly RestorerKind[] = ['gfpgan', 'codeformer', 'gpen', 'restoreformer']

/** Which models a restore job uses, as the CLI / IPC express it. */
export interface RestoreModelChoice {
  /** Manifest id of the restorer; default: the manifest's default restorer (GFPGAN 1.4). */
  model?: string
  /** A custom ONNX file instead of a manifest id, with its family. */
  modelFile?: string
  modelKind?: RestorerKind
  /** Manifest id of a background upscaler, or 'none' / undefined for Lanczos. */
  bgUpscaler?: string
  bgTile?: number
  detect?: Omit<DetectOptions, 'signal'>
}

/** The manifest's default restorer id. */
export function defaultRestorerId(): string {
  const models = loadManifest().models.filter((e) => e.kind === 'restorer')
  const chosen = models.find((e) => e.default) ?? models[0]
  if (!chosen) throw new HeirloomError('MODEL_MISSING', 'The model manifest lists no face restorer.')
  return chosen.id
}

export function restorerRef(choice: RestoreModelChoice): ModelRef {
  if (choice.modelFile) {
    if (choice.model) throw new HeirloomError('INVALID_REQUEST', 'Give either a model id or a model file, not both.')
    const kind = choice.modelKind
    if (!kind || !RESTORER_FAMILIES.includes(kind)) {
      throw new HeirloomError(
        'INVALID_REQUEST',
        `A custom restorer file needs its kind: ${RESTORER_KINDS.join(', ')}.`,
        {
          reason: 'restorer-kind-needed',
          fields: { kinds: RESTORER_KINDS.join('|') }
        }
      )
    }
    return { file: choice.modelFile, kind: 'restorer', family: kind }
  }
  return { id: choice.model ?? defaultRestorerId() }
}

async function openKind(engine: Engine, ref: ModelRef, kind: 'restorer' | 'upscaler'): Promise<LoadedModel> {
  const model = await engine.openModel(ref)
  if (model.entry.kind !== kind) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Model "${model.entry.id}" is a ${model.entry.kind}, not a${kind === 'upscaler' ? 'n' : ''} ${kind}.`
    )
  }
  return model
}

/**
 * Opens the restorer (and background upscaler) and binds the detector to the engine. With `helpers`, also the
 * installed helper models (identity, age estimate, face parser) and those the helper choice requires.
 */
export async function openRestoreDeps(
  engine: Engine,
  choice: RestoreModelChoice,
  helpers?: HelperChoice
): Promise<RestoreJobDeps> {
  const ref = restorerRef(choice)
  // Restorer and upscaler at once: one message naming both when missing, not one per run. (The detector is opened
  // only when faces are not given, so it is not required here.)
  await engine.ensureModels(
    [
      'id' in ref ? ref.id : undefined,
      choice.bgUpscaler && choice.bgUpscaler !== 'none' ? choice.bgUpscaler : undefined
    ].filter((id): id is string => id !== undefined)
  )
  const restorer = await openKind(engine, ref, 'restorer')
  const bg =
    choice.bgUpscaler && choice.bgUpscaler !== 'none'
      ? await openKind(engine, { id: choice.bgUpscaler }, 'upscaler')
      : undefined
  return {
    engine,
    restorer,
    ...(helpers ? { helpers: await openHelpers(engine, helpers) } : {}),
    background: bg ? modelBackground(bg, { tile: choice.bgTile }) : undefined,
    findFaces: async (img, signal) => {
      const r = await detectFaces(engine, img, { ...choice.detect, signal })
      return { faces: r.faces, detector: r.detector }
    }
  }
}
