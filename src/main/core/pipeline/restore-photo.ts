import type { ErrorCode } from '../../../shared/errors'
import { probePhoto } from '../image/decode'
import { formatFromPath } from '../image/encode'
import { checkOutputSize } from '../image/output-limits'
import type { DecodedPhoto } from '../image/types'
import { lanczosBackground } from './background'
import { EditSession, type EditLayer } from './edit-session'
import { runFileJob, type FileJobOptions } from './file-job'
import { restoreOperation } from '../operations/restore/face-operation'
import { restoreWithSteps } from './recipe-run'
import type { RestoreJobDeps, RestorePhotoOptions, RestoreReport } from './restore-types'
import { parseRecipeSteps, type RecipeStep } from './recipe-steps'
import { resolveFaces, type FaceFinder } from './resolve-faces'
import { faceReportHead } from './face-report'
import { measureEditedFaces, withPaste } from './face-helpers'

/** Finds faces when the caller gave none (wraps detectFaces with the engine; tests can hand in their own). */
export type { FaceFinder }

export type { FaceReport, RestoreJobDeps, RestorePhotoOptions, RestoreReport } from './restore-types'

/** Detect (unless faces were given) -> restore the chosen faces -> prepare the output scale. Returns the session. */
export async function restorePhoto(
  deps: RestoreJobDeps,
  photo: DecodedPhoto,
  opts: RestorePhotoOptions = {}
): Promise<{ session: EditSession; report: RestoreReport }> {
  const t0 = performance.now()
  const { faces, detector } = await resolveFaces(deps.findFaces, photo, opts)
  const t1 = performance.now()
  const session = new EditSession(photo, faces)
  const restore = restoreOperation(deps.restorer, { fidelity: opts.fidelity, colorTransfer: opts.colorTransfer })
  const operation = withPaste(restore, deps.helpers, opts.paste)
  const failed = new Map<number, { code: ErrorCode; message: string }>()
  const layers = await session.applyOperation(operation, {
    faces: opts.faces,
    strength: opts.strength,
    mask: opts.mask,
    signal: opts.signal,
    onProgress: opts.onProgress,
    onFaceFailed: (index, e) => failed.set(index, { code: e.code, message: e.message })
  })
  const helped = deps.helpers
    ? await measureEditedFaces(deps.helpers, session, layers, { minIdentity: opts.minIdentity, signal: opts.signal })
    : undefined
  const t2 = performance.now()
  const background = deps.background ?? lanczosBackground
  await session.setOutputScale(opts.upscale ?? 1, background, { signal: opts.signal, onProgress: opts.onProgress })
  const t3 = performance.now()
  const byFace = new Map<number, EditLayer>(
    session.layers.filter((l) => l.op === 'restore').map((l) => [l.faceIndex, l])
  )
  const notes = [...[...failed].map(([i, e]) => `face ${i} was left as it was: ${e.message}`), ...(helped?.notes ?? [])]
  const scale = session.outputScale
  return {
    session,
    report: {
      width: photo.image.width,
      height: photo.image.height,
      outputWidth: photo.image.width * scale,
      outputHeight: photo.image.height * scale,
      faces: faces.map((f, index) => {
        const l = byFace.get(index)
        return {
          ...faceReportHead(f, index),
          restored: l !== undefined,
          ...(failed.has(index) ? { failed: failed.get(index) } : {}),
          layerId: l?.id,
          timings: l ? { ...l.timings } : undefined,
          ...(l ? { strength: l.strength } : {}),
          ...(helped?.byFace.get(index) ?? {})
        }
      }),
      model: {
        id: operation.model,
        provider: deps.restorer.session.provider,
        fidelity: operation.params.fidelity as number | 'fixed'
      },
      detector,
      ...(notes.length > 0 ? { notes } : {}),
      ...(helped && helped.operations.length > 0 ? { provenance: helped.operations } : {}),
      background: { id: scale === 1 ? 'none' : background.id, scale },
      timings: { detect: t1 - t0, faces: t2 - t1, background: t3 - t2, total: t3 - t0 }
    }
  }
}

export type RestoreFileOptions = RestorePhotoOptions &
  FileJobOptions & {
    /** A recipe around the restore step (repair, colour first; colourise after). */
    steps?: RecipeStep[]
  }

/** The whole file job used by the CLI and batch: decode -> restorePhoto -> export (atomic, metadata + provenance). */
export async function restoreFile(
  deps: RestoreJobDeps,
  input: string,
  output: string,
  opts: RestoreFileOptions = {}
): Promise<RestoreReport> {
  if ((opts.upscale ?? 1) > 1) {
    // From the header alone, before any decode or model time: an output the encoder cannot write is refused now.
    const { width, height } = await probePhoto(input)
    checkOutputSize(width, height, opts.upscale!, opts.format ?? formatFromPath(output))
  }
  // Parsed like a job: steps from the app, the CLI or a queue run only when well formed.
  const steps = opts.steps ? parseRecipeSteps(opts.steps) : undefined
  return runFileJob(input, output, opts, (photo) =>
    steps && steps.length > 1
      ? restoreWithSteps(deps, photo, steps, opts, restorePhoto)
      : restorePhoto(deps, photo, opts)
  )
}
