import type { BoxXYWH } from '../../shared/faces'
import type { AgeRequest, EditState, RestoreRequest } from '../../shared/ipc/types'
import type { Engine } from '../core/engine'
import { HeirloomError } from '../core/errors'
import { lanczosBackground } from '../core/pipeline/background'
import type { EditSession } from '../core/pipeline/edit-session'
import type { FaceOperation } from '../core/pipeline/face-operation'
import { openRestoreDeps } from '../core/pipeline/restore-deps'
import { restoreOperation } from '../core/pipeline/restore-operation'
import { detectFaces, landmarksForBox } from '../core/stages/detect'
import { editStateOf, sessionLayerId } from './edit-state'
import type { JobRunner } from './job-runner'
import type { PhotoLibrary } from './photo-library'

/** Builds the age FaceOperation for a request (route models are opened by the age service). */
export type AgeOperationFactory = (engine: Engine, req: AgeRequest) => Promise<FaceOperation>

export interface EditServiceDeps {
  library: PhotoLibrary
  engine: () => Engine
  jobs: JobRunner
  ageOperation: AgeOperationFactory
}

/**
 * Every edit of an open photo: faces (detect, draw, delete), model edits as per-face layers, strength/toggle
 * re-blends, undo/redo. Each call returns the new EditState; the original pixels are never written.
 */
export class EditService {
  constructor(private readonly d: EditServiceDeps) {}

  private async state(photoId: string, session?: EditSession, changed = true): Promise<EditState> {
    const s = session ?? (await this.d.library.session(photoId))
    const entry = this.d.library.get(photoId)
    const revision = changed ? this.d.library.touch(photoId) : entry.revision
    return editStateOf(photoId, s, entry.rotation, revision)
  }

  getState(photoId: string): Promise<EditState> {
    return this.state(photoId, undefined, false)
  }

  async detect(photoId: string, opts: { detector?: string; minScore?: number }): Promise<EditState> {
    const entry = this.d.library.get(photoId)
    const photo = await this.d.library.original(photoId)
    const result = await detectFaces(this.d.engine(), photo.image, {
      ...(opts.detector ? { detector: opts.detector } : {}),
      ...(opts.minScore !== undefined ? { minScore: opts.minScore } : {})
    })
    entry.faces = result.faces
    entry.rotation = result.rotation
    // A fresh session starts from the detected faces; a re-detection is its own history step.
    const existed = entry.session !== undefined
    const session = await this.d.library.session(photoId)
    if (existed) session.setFaces(result.faces, 'detect faces')
    return this.state(photoId, session)
  }

  async addFaceBox(photoId: string, box: BoxXYWH): Promise<EditState> {
    const photo = await this.d.library.original(photoId)
    const { width, height } = photo.image
    const x = Math.max(0, box[0])
    const y = Math.max(0, box[1])
    const clipped: BoxXYWH = [x, y, Math.min(width, box[0] + box[2]) - x, Math.min(height, box[1] + box[3]) - y]
    if (clipped[2] < 8 || clipped[3] < 8) {
      throw new HeirloomError('INVALID_REQUEST', 'Draw the box around a face inside the photo (at least 8 × 8 pixels).')
    }
    const face = await landmarksForBox(this.d.engine(), photo.image, clipped)
    const session = await this.d.library.session(photoId)
    session.addFace(face)
    return this.state(photoId, session)
  }

  /** NOTE: the session has no single-face removal, so the face list is replaced and its edit layers are dropped. */
  async deleteFace(photoId: string, index: number): Promise<EditState> {
    const session = await this.d.library.session(photoId)
    if (index >= session.faces.length) throw new HeirloomError('INVALID_REQUEST', `Face ${index + 1} does not exist.`)
    session.setFaces(
      session.faces.filter((_, i) => i !== index),
      `delete face ${index + 1}`
    )
    return this.state(photoId, session)
  }

  async restore(req: RestoreRequest): Promise<EditState> {
    const session = await this.d.library.session(req.photoId)
    if (session.faces.length === 0) throw new HeirloomError('NO_FACE', 'There is no face to restore in this photo.')
    await this.d.jobs.run(req.jobId, 'restore', async (ctx) => {
      const deps = await openRestoreDeps(this.d.engine(), {
        model: req.model,
        bgUpscaler: req.backgroundUpscaler ?? undefined
      })
      const op = restoreOperation(deps.restorer, { fidelity: req.fidelity })
      await session.applyOperation(op, { faces: req.faces, strength: req.strength, signal: ctx.signal, onProgress: ctx.progress })
      const scale = req.outputScale ?? session.outputScale
      await session.setOutputScale(scale, deps.background ?? lanczosBackground, { signal: ctx.signal, onProgress: ctx.progress })
    })
    return this.state(req.photoId, session)
  }

  async age(req: AgeRequest): Promise<EditState> {
    const session = await this.d.library.session(req.photoId)
    if (session.faces.length === 0) throw new HeirloomError('NO_FACE', 'There is no face to age in this photo.')
    await this.d.jobs.run(req.jobId, 'age', async (ctx) => {
      const op = await this.d.ageOperation(this.d.engine(), req)
      await session.applyOperation(op, { faces: req.faces, strength: req.strength, signal: ctx.signal, onProgress: ctx.progress })
      if (req.restoreAfter) {
        const deps = await openRestoreDeps(this.d.engine(), { model: req.restoreModel })
        await session.applyOperation(restoreOperation(deps.restorer), { faces: req.faces, strength: req.strength, signal: ctx.signal, onProgress: ctx.progress })
      }
    })
    return this.state(req.photoId, session)
  }

  async setStrength(photoId: string, layerIds: string[], strength: number): Promise<EditState> {
    const session = await this.d.library.session(photoId)
    session.setStrength(layerIds.map((id) => sessionLayerId(session, id)), strength)
    return this.state(photoId, session)
  }

  async setEnabled(photoId: string, layerId: string, enabled: boolean): Promise<EditState> {
    const session = await this.d.library.session(photoId)
    session.setEnabled(sessionLayerId(session, layerId), enabled)
    return this.state(photoId, session)
  }

  async undo(photoId: string): Promise<EditState> {
    const session = await this.d.library.session(photoId)
    return session.undo() ? this.state(photoId, session) : this.state(photoId, session, false)
  }

  async redo(photoId: string): Promise<EditState> {
    const session = await this.d.library.session(photoId)
    return session.redo() ? this.state(photoId, session) : this.state(photoId, session, false)
  }

  async gotoStep(photoId: string, index: number): Promise<EditState> {
    const session = await this.d.library.session(photoId)
    const { labels, current } = session.historyLabels()
    if (index >= labels.length) throw new HeirloomError('INVALID_REQUEST', `History has ${labels.length} steps.`)
    for (let i = current; i > index; i--) session.undo()
    for (let i = current; i < index; i++) session.redo()
    return this.state(photoId, session, index !== current)
  }
}
