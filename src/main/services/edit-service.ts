import { SAME_PERSON_COSINE } from '../core/stages/identity/sface'
import type { BoxXYWH } from '../../shared/faces'
import type { AgeRequest, EditState, RestoreRequest } from '../../shared/ipc/types'
import { HeirloomError } from '../core/errors'
import type { SessionInfo } from '../worker/protocol'
import type { AgeJob } from './age-routes'
import { editStateOf, sessionLayerId } from './edit-state'
import type { JobRunner } from './job-runner'
import type { PhotoLibrary } from './photo-library'
import type { PipelineHost } from './pipeline-host'

export interface EditServiceDeps {
  library: PhotoLibrary
  worker: PipelineHost
  jobs: JobRunner
  /** Checks an age request against the installed models and says which models the worker opens. */
  ageJob: (req: AgeRequest) => AgeJob
}

/**
 * Every edit of an open photo: faces (detect, draw, delete), model edits as per-face layers, strength/toggle
 * re-blends, undo/redo. The work runs in the pipeline worker; this only maps photo ids to worker sessions and
 * worker answers to EditState. The original pixels are never written.
 */
export class EditService {
  constructor(private readonly d: EditServiceDeps) {}

  private stateOf(photoId: string, info: SessionInfo): EditState {
    const revision = this.d.library.record(photoId, info)
    return editStateOf(photoId, info, revision)
  }

  /** Sends one session request for a photo and turns the answer into the renderer's EditState. */
  private async edit(photoId: string, send: (sessionId: string) => Promise<SessionInfo>): Promise<EditState> {
    const sessionId = await this.d.library.sessionId(photoId)
    return this.stateOf(photoId, await send(sessionId))
  }

  getState(photoId: string): Promise<EditState> {
    return this.edit(photoId, (sessionId) => this.d.worker.call('info', { sessionId }))
  }

  detect(photoId: string, opts: { detector?: string; minScore?: number }): Promise<EditState> {
    const detect = {
      ...(opts.detector ? { detector: opts.detector } : {}),
      ...(opts.minScore !== undefined ? { minScore: opts.minScore } : {})
    }
    return this.edit(photoId, (sessionId) => this.d.worker.call('detect', { sessionId, detect }))
  }

  addFaceBox(photoId: string, box: BoxXYWH): Promise<EditState> {
    return this.edit(photoId, (sessionId) => this.d.worker.call('addFaceBox', { sessionId, box }))
  }

  /** Deletes one face; the other faces keep their edit layers. */
  deleteFace(photoId: string, index: number): Promise<EditState> {
    const count = this.d.library.faces(photoId).length
    if (index >= count) throw new HeirloomError('INVALID_REQUEST', `Face ${index + 1} does not exist.`)
    return this.edit(photoId, (sessionId) => this.d.worker.call('removeFace', { sessionId, index }))
  }

  async restore(req: RestoreRequest): Promise<EditState> {
    if (this.d.library.faces(req.photoId).length === 0) {
      throw new HeirloomError('NO_FACE', 'There is no face to restore in this photo.')
    }
    return this.edit(req.photoId, (sessionId) =>
      this.d.jobs.run(req.jobId, 'restore', (ctx) =>
        this.d.worker.call(
          'restoreFaces',
          {
            sessionId,
            choice: {
              model: req.model,
              ...(req.backgroundUpscaler ? { bgUpscaler: req.backgroundUpscaler } : {})
            },
            options: {
              faces: req.faces,
              strength: req.strength,
              ...(req.fidelity !== undefined ? { fidelity: req.fidelity } : {}),
              ...(req.paste ? { paste: req.paste } : {}),
              ...(req.keepIdentity ? { minIdentity: SAME_PERSON_COSINE } : {})
            },
            ...(req.outputScale !== undefined ? { outputScale: req.outputScale } : {})
          },
          { signal: ctx.signal, onProgress: ctx.progress, jobId: req.jobId }
        )
      )
    )
  }

  async age(req: AgeRequest): Promise<EditState> {
    if (this.d.library.faces(req.photoId).length === 0) {
      throw new HeirloomError('NO_FACE', 'There is no face to age in this photo.')
    }
    const job = this.d.ageJob(req)
    return this.edit(req.photoId, (sessionId) =>
      this.d.jobs.run(req.jobId, 'age', (ctx) =>
        this.d.worker.call(
          'ageFaces',
          {
            sessionId,
            choice: job.choice,
            amount: job.amount,
            options: { faces: req.faces, strength: req.strength },
            ...(req.restoreAfter
              ? {
                  restoreAfter: {
                    choice: { model: req.restoreModel },
                    ...(req.restoreStrength !== undefined ? { strength: req.restoreStrength } : {})
                  }
                }
              : {})
          },
          { signal: ctx.signal, onProgress: ctx.progress, jobId: req.jobId }
        )
      )
    )
  }

  private layerIds(photoId: string, wireIds: string[]): string[] {
    const state = this.d.library.get(photoId).state
    return wireIds.map((id) => (state ? sessionLayerId(state, id) : id))
  }

  setStrength(photoId: string, layerIds: string[], strength: number): Promise<EditState> {
    const ids = this.layerIds(photoId, layerIds)
    return this.edit(photoId, (sessionId) => this.d.worker.call('setLayers', { sessionId, layerIds: ids, strength }))
  }

  setEnabled(photoId: string, layerId: string, enabled: boolean): Promise<EditState> {
    const ids = this.layerIds(photoId, [layerId])
    return this.edit(photoId, (sessionId) => this.d.worker.call('setLayers', { sessionId, layerIds: ids, enabled }))
  }

  undo(photoId: string): Promise<EditState> {
    return this.edit(photoId, (sessionId) => this.d.worker.call('undo', { sessionId }))
  }

  redo(photoId: string): Promise<EditState> {
    return this.edit(photoId, (sessionId) => this.d.worker.call('redo', { sessionId }))
  }

  gotoStep(photoId: string, index: number): Promise<EditState> {
    return this.edit(photoId, (sessionId) => this.d.worker.call('gotoStep', { sessionId, index }))
  }
}
