import { SAME_PERSON_COSINE } from '../core/stages/identity/sface'
import type { BoxXYWH } from '../../shared/faces'
import type {
  AgeRequest,
  ApplyOperationRequest,
  DamageDetection,
  EditState,
  RepairMaskImage,
  RestoreRequest
} from '../../shared/ipc/types'
import type { CallOptions } from '../worker/client'
import type { SessionInfo } from '../worker/protocol'
import type { AgeJob } from './age-routes'
import { editStateOf } from './edit-state'
import type { JobRunner } from './job-runner'
import type { PhotoLibrary } from './photo-library'
import type { PipelineWorkerHost } from './pipeline-host'

export interface EditServiceDeps {
  library: PhotoLibrary
  worker: PipelineWorkerHost
  jobs: JobRunner
  /** Checks an age request against the installed models and says which models the worker opens. */
  ageJob: (req: AgeRequest) => AgeJob
}

/** What every registry operation request names: the photo, the job, the op, its faces/strength and params. */
type OperationCall = Pick<ApplyOperationRequest, 'photoId' | 'jobId' | 'op' | 'faces' | 'strength' | 'params'>

/**
 * Every edit of an open photo: faces (detect, draw, delete), registry operations as layers, strength/toggle
 * re-blends, undo/redo. The work and the state live in the pipeline worker; this only maps photo ids to worker
 * sessions and worker answers to EditState. The original pixels are never written.
 */
export class EditService {
  constructor(private readonly d: EditServiceDeps) {}

  private stateOf(photoId: string, info: SessionInfo): EditState {
    return editStateOf(photoId, info, this.d.library.record(photoId, info))
  }

  /** Sends one session request for a photo and turns the answer into the renderer's EditState. */
  private async edit(photoId: string, send: (sessionId: string) => Promise<SessionInfo>): Promise<EditState> {
    const sessionId = await this.d.library.sessionId(photoId)
    return this.stateOf(photoId, await send(sessionId))
  }

  getState(photoId: string): Promise<EditState> {
    return this.edit(photoId, (sessionId) => this.d.worker.call('info', { sessionId }))
  }

  /** Detection through the registry's detect operation; answers the new edit state. */
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

  /** Deletes one face; the other faces keep their edit layers (the worker checks the index). */
  deleteFace(photoId: string, index: number): Promise<EditState> {
    return this.edit(photoId, (sessionId) => this.d.worker.call('removeFace', { sessionId, index }))
  }

  /**
   * Any registry operation, run as a job (progress, cancel): the worker looks it up, validates `params` with the
   * operation's own schema and records one history step. "No face" is the operation's to say, in the worker.
   */
  apply(req: OperationCall): Promise<EditState> {
    return this.edit(req.photoId, (sessionId) =>
      this.d.jobs.run(req.jobId, req.op, (ctx) => {
        const opts: CallOptions = { signal: ctx.signal, onProgress: ctx.progress, jobId: req.jobId }
        return this.d.worker.call(
          'applyOperation',
          {
            sessionId,
            op: req.op,
            params: req.params,
            ...(req.faces !== undefined ? { faces: req.faces } : {}),
            ...(req.strength !== undefined ? { strength: req.strength } : {})
          },
          opts
        )
      })
    )
  }

  /** The Restore panel's request as the restore operation's params (a thin alias of apply). */
  restore(req: RestoreRequest): Promise<EditState> {
    return this.apply({
      photoId: req.photoId,
      jobId: req.jobId,
      op: 'restore',
      faces: req.faces,
      strength: req.strength,
      params: {
        model: req.model,
        ...(req.backgroundUpscaler ? { bgUpscaler: req.backgroundUpscaler } : {}),
        ...(req.fidelity !== undefined ? { fidelity: req.fidelity } : {}),
        ...(req.outputScale !== undefined ? { outputScale: req.outputScale } : {}),
        ...(req.paste ? { paste: req.paste } : {}),
        // The app's "Keep identity" checkbox: the same-person threshold (OpenCV SFace).
        ...(req.keepIdentity ? { minIdentity: SAME_PERSON_COSINE } : {})
      }
    })
  }

  /** The Age panel's request as the age operation's params (models checked here against the installed ones). */
  age(req: AgeRequest): Promise<EditState> {
    this.d.library.get(req.photoId) // a photo never opened is FORBIDDEN before any model question
    const job = this.d.ageJob(req)
    return this.apply({
      photoId: req.photoId,
      jobId: req.jobId,
      op: 'age',
      faces: req.faces,
      strength: req.strength,
      params: {
        choice: job.choice,
        amount: job.amount,
        ...(req.restoreAfter
          ? {
              restoreAfter: {
                choice: req.restoreModel ? { model: req.restoreModel } : {},
                ...(req.restoreStrength !== undefined ? { strength: req.restoreStrength } : {})
              }
            }
          : {})
      }
    })
  }

  /** Damage on the photo as edited so far (the worker's current base), as a mask PNG of the photo's size. */
  async detectDamage(photoId: string, sensitivity: number): Promise<DamageDetection> {
    const sessionId = await this.d.library.sessionId(photoId)
    return this.d.worker.call('detectDamage', { sessionId, sensitivity })
  }

  /** The mask the repair step at the history cursor used (null when that step is no repair). */
  async repairMask(photoId: string): Promise<RepairMaskImage | null> {
    const sessionId = await this.d.library.sessionId(photoId)
    return this.d.worker.call('repairMask', { sessionId })
  }

  /** Layer ids are the worker's own (opaque, stable): passed through as they are. */
  setStrength(photoId: string, layerIds: string[], strength: number): Promise<EditState> {
    return this.edit(photoId, (sessionId) => this.d.worker.call('setLayers', { sessionId, layerIds, strength }))
  }

  setEnabled(photoId: string, layerId: string, enabled: boolean): Promise<EditState> {
    return this.edit(photoId, (sessionId) =>
      this.d.worker.call('setLayers', { sessionId, layerIds: [layerId], enabled })
    )
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
