import { randomUUID } from 'node:crypto'
import { inspectModel } from '../core/models/inspect'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { BoxXYWH } from '../../shared/faces'
import type { Engine, LoadedModel } from '../core/engine'
import { applyCredentials } from '../core/credentials/worker-config'
import { readCredentialsFile } from '../core/credentials/read'
import { HeirloomError, toAppError } from '../core/errors'
import { decodePhoto } from '../core/image/decode'
import { savePhoto } from '../core/image/write'
import { modelBackground, lanczosBackground, type BackgroundUpscaler } from '../core/pipeline/background'
import { EditSession, type ApplyOptions, type EditLayer } from '../core/pipeline/edit-session'
import { JobQueue } from '../core/pipeline/job-queue'
import type { PipelineProgress } from '../core/pipeline/progress'
import { openRestoreDeps, type RestoreModelChoice } from '../core/pipeline/restore-deps'
import { restoreFile } from '../core/pipeline/restore-photo'
import { restoreOperation, type RestoreParams } from '../core/pipeline/restore-operation'
import type { ProviderPreference } from '../core/runtime/types'
import { runtimeInfo } from '../core/runtime/ort-adapter'
import { ageOperation } from '../core/stages/age/age-operation'
import { ageFile } from '../core/stages/age/age-photo'
import { openAgeModels } from '../core/stages/age/models'
import { plainCrop } from '../core/stages/crop/plain'
import { detectFaces, landmarksForBox } from '../core/stages/detect'
import { freeOutputPath } from '../services/batch-files'
import {
  ownedImage,
  type FromWorker,
  type LayerInfo,
  type RequestPayload,
  type RequestType,
  type ResponseValue,
  type SessionInfo
} from './protocol'
import { openAgeJobDeps } from './age-job'
import { OpenPhoto } from './session-render'
import { FaceMeasures } from './face-measures'
import { measureEditedFaces, withPaste, type HelperChoice } from '../core/pipeline/face-helpers'

type Emit = (msg: FromWorker) => void
type Progress = (e: PipelineProgress) => void

/**
 * Request types that run models or heavy pixel work, one at a time in submission order. The others only touch
 * session state (immutable steps) or encode a preview, so they answer at once even while a job runs.
 */
const QUEUED: ReadonlySet<RequestType> = new Set<RequestType>([
  'restoreFile',
  'ageFile',
  'open',
  'detect',
  'addFaceBox',
  'restoreFaces',
  'ageFaces',
  'compose',
  'export',
  'cropFile',
  'importModel',
  'inspectModel',
  'releaseModel',
  'configure',
  'readCredentials'
])

/** Requests after which the helper models' per-face facts (age, identity) are brought up to date. */
const MEASURED: ReadonlySet<RequestType> = new Set<RequestType>([
  'open',
  'detect',
  'setFaces',
  'addFaceBox',
  'removeFace',
  'restoreFaces',
  'ageFaces',
  'setLayers',
  'undo',
  'redo',
  'gotoStep'
])

/** Smallest face box the user may draw (px per side). */
const MIN_DRAWN_BOX = 8

function layerInfo(l: EditLayer): LayerInfo {
  return {
    id: l.id,
    faceIndex: l.faceIndex,
    op: l.op,
    model: l.model,
    params: { ...l.params },
    strength: l.strength,
    enabled: l.enabled,
    timings: { ...l.timings }
  }
}

/** The drawn box clipped to the photo; too small a box is the user's mistake, said plainly. */
function clipBox(box: BoxXYWH, width: number, height: number): BoxXYWH {
  const x = Math.max(0, box[0])
  const y = Math.max(0, box[1])
  const clipped: BoxXYWH = [x, y, Math.min(width, box[0] + box[2]) - x, Math.min(height, box[1] + box[3]) - y]
  if (!(clipped[2] >= MIN_DRAWN_BOX && clipped[3] >= MIN_DRAWN_BOX)) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Draw the box around a face inside the photo (at least ${MIN_DRAWN_BOX} × ${MIN_DRAWN_BOX} pixels).`
    )
  }
  return clipped
}

/**
 * Transport-free request handler: the worker entry wires it to parentPort, tests could call it directly. Keeps the
 * open photos (decoded pixels, per-face results, history) so the UI can toggle and re-blend without re-running models.
 */
export class PipelineService {
  private readonly photos = new Map<string, OpenPhoto>()
  private readonly queue: JobQueue
  private engine: Engine
  private readonly emit: Emit
  private readonly remake?: (provider: ProviderPreference) => Engine
  private readonly measures = new FaceMeasures()

  constructor(engine: Engine, emit: Emit, remake?: (provider: ProviderPreference) => Engine) {
    this.engine = engine
    this.emit = emit
    this.remake = remake
    this.queue = new JobQueue({ onProgress: (id, event) => emit({ kind: 'progress', id: Number(id), event }) })
  }

  /** Forwards model download progress to whichever job is running (downloads only start inside jobs). */
  downloadProgress(event: PipelineProgress): void {
    const id = this.queue.runningId
    if (id !== undefined) this.emit({ kind: 'progress', id: Number(id), event })
  }

  handle(id: number, type: RequestType, payload: unknown): void {
    const run = async (signal?: AbortSignal, progress?: Progress): Promise<unknown> => {
      const value = await this.dispatch(type, payload, signal, progress)
      return MEASURED.has(type) ? this.withMeasures(value as SessionInfo) : value
    }
    const pending = QUEUED.has(type) ? this.queue.submit(String(id), (ctx) => run(ctx.signal, ctx.progress)) : run()
    pending.then(
      (value) => this.emit({ kind: 'result', id, ok: true, value }),
      (err: unknown) => this.emit({ kind: 'result', id, ok: false, error: toAppError(err) })
    )
  }

  /** The session info again after the helpers measured its faces; a helper failing never fails the edit. */
  private async withMeasures(info: SessionInfo): Promise<SessionInfo> {
    try {
      await this.measures.refresh(this.engine, this.session(info.sessionId))
    } catch {
      return info
    }
    return this.info(info.sessionId)
  }

  cancel(id: number): void {
    this.queue.cancel(String(id))
  }

  private photo(id: string): OpenPhoto {
    const p = this.photos.get(id)
    if (!p) throw new HeirloomError('NOT_FOUND', `No open photo session "${id}".`)
    return p
  }

  private session(id: string): EditSession {
    return this.photo(id).session
  }

  private info(sessionId: string): SessionInfo {
    const open = this.photo(sessionId)
    const s = open.session
    const { labels, current } = s.historyLabels()
    return {
      sessionId,
      width: s.photo.image.width,
      height: s.photo.image.height,
      grayscale: s.photo.grayscale,
      faces: s.faces.map((f) => ({
        ...f,
        box: [...f.box],
        landmarks: f.landmarks.map((p) => [...p]) as typeof f.landmarks
      })),
      rotation: open.rotation,
      layers: s.layers.map(layerInfo),
      canUndo: s.canUndo,
      canRedo: s.canRedo,
      history: labels,
      cursor: current,
      outputScale: s.outputScale,
      ...(this.measures.info(s) ? { faceInfo: this.measures.info(s) } : {})
    }
  }

  private async background(id: string | undefined): Promise<BackgroundUpscaler> {
    if (!id || id === 'none' || id === 'lanczos') return lanczosBackground
    const model = await this.engine.openModel({ id })
    if (model.entry.kind !== 'upscaler') throw new HeirloomError('INVALID_REQUEST', `Model "${id}" is not an upscaler.`)
    return modelBackground(model)
  }

  /** The session of a face edit; NO_FACE when the photo has no face to `verb`. */
  private sessionWithFaces(id: string, verb: string): EditSession {
    const s = this.session(id)
    if (s.faces.length === 0) throw new HeirloomError('NO_FACE', `There is no face to ${verb} in this photo.`)
    return s
  }

  /** Restores faces of `s` with the restorer `choice` names; returns what was opened (its background upscaler too). */
  private async restoreInSession(
    s: EditSession,
    choice: RestoreModelChoice,
    params: RestoreParams,
    apply: ApplyOptions,
    helpers?: HelperChoice
  ): ReturnType<typeof openRestoreDeps> {
    const deps = await openRestoreDeps(this.engine, choice, helpers)
    const layers = await s.applyOperation(
      withPaste(restoreOperation(deps.restorer, params), deps.helpers, helpers?.paste),
      apply
    )
    if (helpers?.minIdentity !== undefined && deps.helpers?.identity)
      await this.keepIdentity(s, layers, deps.helpers.identity, helpers.minIdentity, apply.signal)
    return deps
  }

  /** Keep identity after a restore: the re-blends join the restore's history step (one undo reverts both). */
  private async keepIdentity(
    s: EditSession,
    layers: EditLayer[],
    identity: LoadedModel,
    min: number,
    signal?: AbortSignal
  ): Promise<void> {
    const { labels, current } = s.historyLabels()
    const r = await measureEditedFaces({ identity }, s, layers, { minIdentity: min, signal })
    for (const [i, f] of r.byFace) if (f.identity?.keep) this.measures.recordKeep(s, i, f.identity.keep)
    const added = s.historyLabels().current - current
    if (added > 0) s.squashSteps(added + 1, `${labels[current]} + keep identity`)
  }

  /** Output scale change when asked for; otherwise the session keeps the scale and background it has. */
  private async outputScale(
    s: EditSession,
    scale: number | undefined,
    bgUpscaler: string | undefined,
    signal?: AbortSignal,
    progress?: Progress
  ): Promise<void> {
    if (scale === undefined && bgUpscaler === undefined) return
    const background = bgUpscaler === undefined && scale !== undefined ? s.backgroundId : bgUpscaler
    await s.setOutputScale(scale ?? s.outputScale, await this.background(background), { signal, onProgress: progress })
  }

  private async dispatch(
    type: RequestType,
    payload: unknown,
    signal?: AbortSignal,
    progress?: Progress
  ): Promise<unknown> {
    switch (type) {
      case 'restoreFile': {
        const p = payload as RequestPayload<'restoreFile'>
        const deps = await openRestoreDeps(this.engine, p.choice, p.options)
        return restoreFile(deps, p.input, p.output, { ...p.options, signal, onProgress: progress }) satisfies Promise<
          ResponseValue<'restoreFile'>
        >
      }
      case 'ageFile': {
        const p = payload as RequestPayload<'ageFile'>
        const deps = await openAgeJobDeps(this.engine, p.spec)
        return ageFile(deps, p.input, p.output, { ...p.options, signal, onProgress: progress }) satisfies Promise<
          ResponseValue<'ageFile'>
        >
      }
      case 'open': {
        const p = payload as RequestPayload<'open'>
        progress?.({ stage: 'decode' })
        const photo = await decodePhoto(p.input)
        const sessionId = randomUUID()
        this.photos.set(sessionId, new OpenPhoto(new EditSession({ ...photo, sourcePath: p.input }, p.faces ?? [])))
        return this.info(sessionId)
      }
      case 'detect': {
        const p = payload as RequestPayload<'detect'>
        const open = this.photo(p.sessionId)
        progress?.({ stage: 'detect' })
        const r = await detectFaces(this.engine, open.session.photo.image, { ...p.detect, signal })
        open.rotation = r.rotation
        const s = open.session
        // A photo nobody has touched yet starts from the detected faces (nothing to undo back to).
        if (!s.canUndo && !s.canRedo && s.faces.length === 0 && s.outputScale === 1) {
          open.session = new EditSession(s.photo, r.faces)
        } else s.setFaces(r.faces, 'detect faces')
        return this.info(p.sessionId)
      }
      case 'info':
        return this.info((payload as RequestPayload<'info'>).sessionId)
      case 'setFaces': {
        const p = payload as RequestPayload<'setFaces'>
        this.session(p.sessionId).setFaces(p.faces)
        return this.info(p.sessionId)
      }
      case 'addFaceBox': {
        const p = payload as RequestPayload<'addFaceBox'>
        const s = this.session(p.sessionId)
        const { width, height } = s.photo.image
        const face = await landmarksForBox(this.engine, s.photo.image, clipBox(p.box, width, height), {
          ...(p.detector ? { detector: p.detector } : {}),
          signal
        })
        s.addFace(face)
        return this.info(p.sessionId)
      }
      case 'removeFace': {
        const p = payload as RequestPayload<'removeFace'>
        this.session(p.sessionId).removeFace(p.index)
        return this.info(p.sessionId)
      }
      case 'restoreFaces': {
        const p = payload as RequestPayload<'restoreFaces'>
        const s = this.sessionWithFaces(p.sessionId, 'restore')
        const deps = await this.restoreInSession(
          s,
          p.choice,
          { fidelity: p.options.fidelity, colorTransfer: p.options.colorTransfer },
          { faces: p.options.faces, strength: p.options.strength, mask: p.options.mask, signal, onProgress: progress },
          { paste: p.options.paste, minIdentity: p.options.minIdentity }
        )
        if (p.outputScale !== undefined || deps.background) {
          await s.setOutputScale(p.outputScale ?? s.outputScale, deps.background ?? lanczosBackground, {
            signal,
            onProgress: progress
          })
        }
        return this.info(p.sessionId)
      }
      case 'ageFaces': {
        const p = payload as RequestPayload<'ageFaces'>
        const s = this.sessionWithFaces(p.sessionId, 'age')
        const models = await openAgeModels(this.engine, p.choice)
        // Open the restorer before aging: a missing one fails before anything changes.
        const restore = p.restoreAfter ? await openRestoreDeps(this.engine, p.restoreAfter.choice) : undefined
        await s.applyOperation(ageOperation(models, p.amount), { ...p.options, signal, onProgress: progress })
        if (restore && p.restoreAfter) {
          try {
            await s.applyOperation(restoreOperation(restore.restorer, {}), {
              faces: p.options.faces,
              strength: p.restoreAfter.strength ?? p.options.strength,
              mask: p.options.mask,
              signal,
              onProgress: progress
            })
          } catch (err) {
            s.undo() // one user action: no half-done age + restore left on screen
            throw err
          }
          const { labels, current } = s.historyLabels()
          s.squashSteps(2, `${labels[current - 1]} + restore`)
        }
        return this.info(p.sessionId)
      }
      case 'setLayers': {
        const p = payload as RequestPayload<'setLayers'>
        const s = this.session(p.sessionId)
        if (p.strength !== undefined) s.setStrength(p.layerIds, p.strength)
        if (p.enabled !== undefined) s.setEnabled(p.layerIds, p.enabled)
        return this.info(p.sessionId)
      }
      case 'undo':
      case 'redo': {
        const p = payload as RequestPayload<'undo'>
        const s = this.session(p.sessionId)
        if (type === 'undo') s.undo()
        else s.redo()
        return this.info(p.sessionId)
      }
      case 'gotoStep': {
        const p = payload as RequestPayload<'gotoStep'>
        const s = this.session(p.sessionId)
        const { labels, current } = s.historyLabels()
        if (!(Number.isInteger(p.index) && p.index >= 0 && p.index < labels.length)) {
          throw new HeirloomError('INVALID_REQUEST', `History has ${labels.length} steps.`)
        }
        for (let i = current; i > p.index; i--) s.undo()
        for (let i = current; i < p.index; i++) s.redo()
        return this.info(p.sessionId)
      }
      case 'compose': {
        const p = payload as RequestPayload<'compose'>
        const open = this.photo(p.sessionId)
        await this.outputScale(open.session, p.scale, p.bgUpscaler, signal, progress)
        progress?.({ stage: 'compose' })
        const img = open.composed()
        // The cached composition (or the original itself) stays here; the copy is what moves.
        return { image: ownedImage({ ...img, data: img.data.slice() }) } satisfies ResponseValue<'compose'>
      }
      case 'preview': {
        const p = payload as RequestPayload<'preview'>
        return this.photo(p.sessionId).preview(p.variant, p.maxSide) satisfies Promise<ResponseValue<'preview'>>
      }
      case 'region': {
        const p = payload as RequestPayload<'region'>
        return this.photo(p.sessionId).region(p.variant, p.rect) satisfies Promise<ResponseValue<'region'>>
      }
      case 'export': {
        const p = payload as RequestPayload<'export'>
        const open = this.photo(p.sessionId)
        await this.outputScale(open.session, p.scale, p.bgUpscaler, signal, progress)
        progress?.({ stage: 'export' })
        return open.export(p) satisfies Promise<ResponseValue<'export'>>
      }
      case 'cropFile': {
        const p = payload as RequestPayload<'cropFile'>
        progress?.({ stage: 'decode' })
        const photo = await decodePhoto(p.input)
        progress?.({ stage: 'detect' })
        const found = await detectFaces(this.engine, photo.image, { signal })
        if (found.faces.length === 0) throw new HeirloomError('NO_FACE', 'No face was found in the photo.')
        const outputs: string[] = []
        for (let i = 0; i < found.faces.length; i++) {
          const crop = plainCrop(photo.image, found.faces[i].box, { aspect: p.aspect })
          const out = await freeOutputPath(p.inDir, p.outDir, p.input, `-face${i + 1}`, p.ext)
          await mkdir(dirname(out), { recursive: true })
          await savePhoto(out, crop.image, {
            metadata: photo.metadata,
            grayscale: photo.grayscale,
            provenance: { software: 'Heirloom', operations: [{ op: 'crop', params: { aspect: p.aspect, face: i } }] },
            protectedPaths: [p.input],
            inputRoots: [p.inDir]
          })
          outputs.push(out)
        }
        return { faces: found.faces.length, outputs } satisfies ResponseValue<'cropFile'>
      }
      case 'importModel': {
        const p = payload as RequestPayload<'importModel'>
        const status = await this.engine.store.importFile(p.idOrKind, p.file)
        return { id: status.id } satisfies ResponseValue<'importModel'>
      }
      case 'inspectModel': {
        const p = payload as RequestPayload<'inspectModel'>
        return (await inspectModel(this.engine.store, p.idOrFile)) satisfies ResponseValue<'inspectModel'>
      }
      case 'releaseModel': {
        const p = payload as RequestPayload<'releaseModel'>
        await this.engine.sessions.dispose(p.path)
        return { released: true } satisfies ResponseValue<'releaseModel'>
      }
      case 'configure': {
        const p = payload as RequestPayload<'configure'>
        if (p.credentials) applyCredentials(p.credentials, this.engine.store)
        if (p.provider !== this.engine.provider) {
          if (!this.remake) throw new HeirloomError('INTERNAL', 'This worker cannot switch providers.')
          const old = this.engine
          this.engine = this.remake(p.provider)
          await old.dispose()
        }
        return { provider: this.engine.provider } satisfies ResponseValue<'configure'>
      }
      case 'readCredentials': {
        const p = payload as RequestPayload<'readCredentials'>
        return readCredentialsFile(p.path) satisfies Promise<ResponseValue<'readCredentials'>>
      }
      case 'runtimeInfo': {
        const last = runtimeInfo().lastProvider
        return (last ? { lastProvider: last } : {}) satisfies ResponseValue<'runtimeInfo'>
      }
      case 'close': {
        const p = payload as RequestPayload<'close'>
        return { closed: this.photos.delete(p.sessionId) } satisfies ResponseValue<'close'>
      }
      default:
        throw new HeirloomError('INVALID_REQUEST', `Unknown worker request "${String(type)}".`)
    }
  }

  async dispose(): Promise<void> {
    this.queue.cancelAll()
    this.photos.clear()
    await this.engine.dispose()
  }
}
