import { measureEditedFaces, type FaceHelperReport, type HelperModels } from '../../pipeline/face-helpers'
import type { ProvenanceOp } from '../../image/provenance'
import type { LoadedModel } from '../../engine'
import type { BoxXYWH, Face } from '../../geometry/types'
import type { CredentialsOutcome } from '../../credentials/embed'
import type { DecodedPhoto } from '../../image/types'
import { EditSession, type EditLayer } from '../../pipeline/edit-session'
import type { FaceChoice } from '../../pipeline/face-selection'
import { runFileJob, type FileJobOptions } from '../../pipeline/file-job'
import type { ProgressSink } from '../../pipeline/progress'
import type { FaceFinder } from '../../pipeline/restore-photo'
import { restoreOperation } from '../../operations/restore/face-operation'
import type { PasteMask } from '../../warp/paste'
import { ageModelLabel, ageOperation } from '../../operations/age/face-operation'
import type { AgeAmount } from './calibration'
import type { AgeModels } from './types'
import { resolveFaces } from '../../pipeline/resolve-faces'
import { faceReportHead } from '../../pipeline/face-report'
import { DEFAULT_RESTORE_STRENGTH } from '../../../../shared/defaults'

/** Aging replaces the face: full strength unless the user blends it back. */
export const DEFAULT_AGE_STRENGTH = 1
/** Restoring an aged face only sharpens what the 1024 generator softened; the same default as `restore`. */
export const DEFAULT_RESTORE_AFTER_STRENGTH = DEFAULT_RESTORE_STRENGTH

export interface AgeJobDeps {
  models: AgeModels
  findFaces?: FaceFinder
  /** Restorer run on the aged faces afterwards ("restore after aging"). */
  restorer?: LoadedModel
  /** Installed helper models: identity similarity (information for aging) and an age bucket per aged face. */
  helpers?: HelperModels
}

export interface AgePhotoOptions {
  amount: AgeAmount
  /** Caller-supplied faces (user-drawn or adjusted); skips detection. */
  faceList?: readonly Face[]
  /** Faces to age; default all. The others are left untouched. */
  faces?: FaceChoice
  strength?: number
  restoreStrength?: number
  mask?: PasteMask
  signal?: AbortSignal
  onProgress?: ProgressSink
}

export interface AgeFaceReport {
  index: number
  box: BoxXYWH
  score: number
  source: 'detector' | 'user'
  aged: boolean
  restored: boolean
  /** What reached the model: route, editFactor (latent step / StyleGANEX direction) or targetAge. */
  applied?: Record<string, unknown>
  timings?: Record<string, number>
  /** SFace similarity original vs aged result (aging changes a face: information, not a guard). */
  identity?: FaceHelperReport['identity']
  /** Age bucket of the original face (FairFace). */
  age?: FaceHelperReport['age']
}

export interface AgeReport {
  width: number
  height: number
  route: AgeModels['route']
  model: string
  provider: string
  restoredWith?: string
  detector?: string
  /**
   * Factor routes (latent, StyleGANEX): which sign of the factor ages (directionSign) and whether years mean anything
   * (calibrated). Absent for SAM, whose input is a real age.
   */
  calibration?: { calibrated: boolean; directionSign: 1 | -1 }
  faces: AgeFaceReport[]
  /** Extra provenance entries (the identity check). */
  provenance?: ProvenanceOp[]
  timings: { decode?: number; detect: number; age: number; restore: number; export?: number; total: number }
  credentials?: CredentialsOutcome
}

/**
 * Detect (unless faces were given) -> age the chosen faces as edit-session layers -> optionally restore them.
 * Returns the session, so the editor can keep adjusting strength, undo, or export.
 */
export async function agePhoto(
  deps: AgeJobDeps,
  photo: DecodedPhoto,
  opts: AgePhotoOptions
): Promise<{ session: EditSession; report: AgeReport }> {
  const t0 = performance.now()
  const { faces, detector } = await resolveFaces(deps.findFaces, photo, opts)
  const t1 = performance.now()

  const session = new EditSession(photo, faces)
  const op = ageOperation(deps.models, opts.amount)
  const aged = await session.applyOperation(op, {
    faces: opts.faces,
    strength: opts.strength ?? DEFAULT_AGE_STRENGTH,
    mask: opts.mask,
    signal: opts.signal,
    onProgress: opts.onProgress
  })
  const t2 = performance.now()
  let restored: EditLayer[] = []
  if (deps.restorer) {
    // The restorer sees the composition with the aged faces, so it sharpens the new face, not the old one.
    restored = await session.applyOperation(restoreOperation(deps.restorer), {
      faces: aged.map((l) => l.faceIndex),
      strength: opts.restoreStrength ?? DEFAULT_RESTORE_AFTER_STRENGTH,
      mask: opts.mask,
      signal: opts.signal,
      onProgress: opts.onProgress
    })
  }
  const helped = deps.helpers
    ? await measureEditedFaces(deps.helpers, session, aged, { signal: opts.signal })
    : undefined
  const t3 = performance.now()

  const agedBy = new Map(aged.map((l) => [l.faceIndex, l]))
  const restoredSet = new Set(restored.map((l) => l.faceIndex))
  const models = deps.models
  return {
    session,
    report: {
      width: photo.image.width,
      height: photo.image.height,
      route: models.route,
      model: ageModelLabel(models),
      provider: op.provider ?? 'cpu',
      ...(deps.restorer ? { restoredWith: deps.restorer.entry.id } : {}),
      ...(detector ? { detector } : {}),
      ...(models.route === 'sam'
        ? {}
        : {
            calibration: {
              calibrated: models.calibration.calibrated === true,
              directionSign: models.calibration.directionSign
            }
          }),
      faces: faces.map((f, index) => {
        const l = agedBy.get(index)
        return {
          ...faceReportHead(f, index),
          aged: l !== undefined,
          restored: restoredSet.has(index),
          ...(l ? { applied: { ...l.params }, timings: { ...l.timings } } : {}),
          ...(helped?.byFace.get(index) ?? {})
        }
      }),
      ...(helped && helped.operations.length > 0 ? { provenance: helped.operations } : {}),
      timings: { detect: t1 - t0, age: t2 - t1, restore: t3 - t2, total: t3 - t0 }
    }
  }
}

export type AgeFileOptions = AgePhotoOptions & FileJobOptions

/** decode -> agePhoto -> export (atomic, never over the input, metadata + provenance kept). */
export function ageFile(deps: AgeJobDeps, input: string, output: string, opts: AgeFileOptions): Promise<AgeReport> {
  return runFileJob(input, output, opts, (photo) => agePhoto(deps, photo, opts))
}
