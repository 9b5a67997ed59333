import { randomUUID } from 'node:crypto'
import type { Engine } from '../core/engine'
import { HeirloomError, toAppError } from '../core/errors'
import { decodePhoto } from '../core/image/decode'
import { EditSession, type EditLayer } from '../core/pipeline/edit-session'
import { JobQueue } from '../core/pipeline/job-queue'
import type { PipelineProgress } from '../core/pipeline/progress'
import { modelBackground, lanczosBackground, type BackgroundUpscaler } from '../core/pipeline/background'
import { openRestoreDeps } from '../core/pipeline/restore-deps'
import { restoreFile } from '../core/pipeline/restore-photo'
import { restoreOperation } from '../core/pipeline/restore-operation'
import { detectFaces } from '../core/stages/detect'
import {
  ownedImage,
  type FromWorker,
  type LayerInfo,
  type RequestPayload,
  type RequestType,
  type ResponseValue,
  type SessionInfo
} from './protocol'

type Emit = (msg: FromWorker) => void

/** Request types that run models (or heavy pixel work) and so go through the one-at-a-time queue. */
const QUEUED: ReadonlySet<RequestType> = new Set<RequestType>([
  'restoreFile',
  'open',
  'detect',
  'restoreFaces',
  'compose',
  'export'
])

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

/**
 * Transport-free request handler: the worker entry wires it to parentPort, tests and an in-thread client can call it
 * directly. Keeps open edit sessions (per-face results stay here so the UI can toggle and re-blend them).
 */
export class PipelineService {
  private readonly sessions = new Map<string, EditSession>()
  private readonly queue: JobQueue
  private readonly engine: Engine
  private readonly emit: Emit

  constructor(engine: Engine, emit: Emit) {
    this.engine = engine
    this.emit = emit
    this.queue = new JobQueue({ onProgress: (id, event) => emit({ kind: 'progress', id: Number(id), event }) })
  }

  /** Forwards model download progress to whichever job is running. */
  downloadProgress(event: PipelineProgress): void {
    const id = this.queue.runningId
    if (id !== undefined) this.emit({ kind: 'progress', id: Number(id), event })
  }

  handle(id: number, type: RequestType, payload: unknown): void {
    const run = (signal?: AbortSignal, progress?: (e: PipelineProgress) => void): Promise<unknown> =>
      this.dispatch(type, payload, signal, progress)
    const pending = QUEUED.has(type) ? this.queue.submit(String(id), (ctx) => run(ctx.signal, ctx.progress)) : run()
    pending.then(
      (value) => this.emit({ kind: 'result', id, ok: true, value }),
      (err: unknown) => this.emit({ kind: 'result', id, ok: false, error: toAppError(err) })
    )
  }

  cancel(id: number): void {
    this.queue.cancel(String(id))
  }

  private session(id: string): EditSession {
    const s = this.sessions.get(id)
    if (!s) throw new HeirloomError('NOT_FOUND', `No open photo session "${id}".`)
    return s
  }

  private info(sessionId: string): SessionInfo {
    const s = this.session(sessionId)
    return {
      sessionId,
      width: s.photo.image.width,
      height: s.photo.image.height,
      grayscale: s.photo.grayscale,
      faces: s.faces.map((f) => ({ ...f })),
      layers: s.layers.map(layerInfo),
      canUndo: s.canUndo,
      canRedo: s.canRedo,
      history: s.historyLabels().labels.slice(0, s.historyLabels().current + 1)
    }
  }

  private async background(id: string | undefined): Promise<BackgroundUpscaler> {
    if (!id || id === 'none' || id === 'lanczos') return lanczosBackground
    const model = await this.engine.openModel({ id })
    if (model.entry.kind !== 'upscaler') throw new HeirloomError('INVALID_REQUEST', `Model "${id}" is not an upscaler.`)
    return modelBackground(model)
  }

  private async dispatch(
    type: RequestType,
    payload: unknown,
    signal?: AbortSignal,
    progress?: (e: PipelineProgress) => void
  ): Promise<unknown> {
    switch (type) {
      case 'restoreFile': {
        const p = payload as RequestPayload<'restoreFile'>
        const deps = await openRestoreDeps(this.engine, p.choice)
        return restoreFile(deps, p.input, p.output, { ...p.options, signal, onProgress: progress }) satisfies Promise<
          ResponseValue<'restoreFile'>
        >
      }
      case 'open': {
        const p = payload as RequestPayload<'open'>
        const photo = await decodePhoto(p.input)
        const sessionId = randomUUID()
        this.sessions.set(sessionId, new EditSession(photo))
        return this.info(sessionId)
      }
      case 'detect': {
        const p = payload as RequestPayload<'detect'>
        const s = this.session(p.sessionId)
        progress?.({ stage: 'detect' })
        const r = await detectFaces(this.engine, s.photo.image, { ...p.detect, signal })
        s.setFaces(r.faces, 'detect faces')
        return this.info(p.sessionId)
      }
      case 'setFaces': {
        const p = payload as RequestPayload<'setFaces'>
        this.session(p.sessionId).setFaces(p.faces)
        return this.info(p.sessionId)
      }
      case 'restoreFaces': {
        const p = payload as RequestPayload<'restoreFaces'>
        const s = this.session(p.sessionId)
        const deps = await openRestoreDeps(this.engine, p.choice)
        const op = restoreOperation(deps.restorer, {
          fidelity: p.options.fidelity,
          colorTransfer: p.options.colorTransfer
        })
        await s.applyOperation(op, {
          faces: p.options.faces,
          strength: p.options.strength,
          mask: p.options.mask,
          signal,
          onProgress: progress
        })
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
      case 'compose': {
        const p = payload as RequestPayload<'compose'>
        const s = this.session(p.sessionId)
        await s.setOutputScale(p.scale ?? 1, await this.background(p.bgUpscaler), { signal, onProgress: progress })
        progress?.({ stage: 'compose' })
        return { image: ownedImage(s.compose()) } satisfies ResponseValue<'compose'>
      }
      case 'export': {
        const p = payload as RequestPayload<'export'>
        const s = this.session(p.sessionId)
        await s.setOutputScale(p.scale ?? 1, await this.background(p.bgUpscaler), { signal, onProgress: progress })
        progress?.({ stage: 'export' })
        await s.export(p.output, { overwrite: p.overwrite, format: p.format, quality: p.quality })
        return { output: p.output } satisfies ResponseValue<'export'>
      }
      case 'close': {
        const p = payload as RequestPayload<'close'>
        return { closed: this.sessions.delete(p.sessionId) } satisfies ResponseValue<'close'>
      }
      default:
        throw new HeirloomError('INVALID_REQUEST', `Unknown worker request "${String(type)}".`)
    }
  }

  async dispose(): Promise<void> {
    this.queue.cancelAll()
    this.sessions.clear()
    await this.engine.dispose()
  }
}
