import type { BoxXYWH } from '../../shared/faces'
import type { Engine } from '../core/engine'
import { HeirloomError } from '../core/errors'
import { modelBackground, lanczosBackground, type BackgroundUpscaler } from '../core/pipeline/background'
import type { EditLayer, EditSession } from '../core/pipeline/edit-session'
import type { PipelineProgress } from '../core/pipeline/progress'
import type { ProviderPreference } from '../core/runtime/types'
import { stepLabel } from '../core/operations'
import type { LayerInfo, SessionInfo } from './protocol'
import type { OpenPhoto } from './session-render'
import { FaceMeasures } from './face-measures'

export type Progress = (e: PipelineProgress) => void

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

/**
 * A step's params as the UI gets them with every state: bytes a step keeps (a repair's mask PNG) become their size;
 * the bytes themselves are asked for when needed (repairMask).
 */
function wireParams(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(params)) out[k] = ArrayBuffer.isView(v) ? { bytes: v.byteLength } : v
  return out
}

/** The drawn box clipped to the photo; too small a box is the user's mistake, said plainly. */
export function clipBox(box: BoxXYWH, width: number, height: number): BoxXYWH {
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
 * What the worker's request handlers share: the engine (models) and the open photos (decoded pixels, per-face
 * results, history), so the UI can toggle and re-blend without re-running models.
 */
export class WorkerState {
  readonly photos = new Map<string, OpenPhoto>()
  /** Per-face facts from the helper models (age bucket, identity), cached per face and layer state. */
  readonly measures = new FaceMeasures()

  constructor(
    public engine: Engine,
    readonly remake?: (provider: ProviderPreference) => Engine
  ) {}

  photo(id: string): OpenPhoto {
    const p = this.photos.get(id)
    if (!p) throw new HeirloomError('NOT_FOUND', `No open photo session "${id}".`)
    return p
  }

  session(id: string): EditSession {
    return this.photo(id).session
  }

  /** The session as the UI sees it: faces, layers, structured history with labels (no pixels). */
  info(sessionId: string): SessionInfo {
    const s = this.session(sessionId)
    const { steps, current } = s.steps()
    const faceInfo = this.measures.info(s)
    return {
      sessionId,
      width: s.photo.image.width,
      height: s.photo.image.height,
      grayscale: s.grayscale,
      faces: s.faces.map((f) => ({ ...f, box: [...f.box], landmarks: [...f.landmarks] })),
      rotation: s.rotation,
      layers: s.layers.map(layerInfo),
      photoLayers: s.photoLayers.map((p) => ({
        id: p.id,
        op: p.op,
        model: p.model,
        params: { ...p.params },
        timings: { ...p.timings }
      })),
      canUndo: s.canUndo,
      canRedo: s.canRedo,
      history: steps.map((step) => ({
        op: step.op,
        faces: [...step.faces],
        params: wireParams(step.params),
        label: stepLabel(step)
      })),
      cursor: current,
      outputScale: s.outputScale,
      revision: s.revision,
      ...(faceInfo ? { faceInfo } : {})
    }
  }

  /**
   * The session info after the installed helper models measured its faces (age on open for the first faces,
   * identity of every edited face as composed now). A helper failing never fails the edit: the info comes without.
   */
  async measuredInfo(sessionId: string, signal?: AbortSignal): Promise<SessionInfo> {
    try {
      await this.measures.refresh(this.engine, this.session(sessionId), signal)
    } catch {
      // measured facts are information only
    }
    return this.info(sessionId)
  }

  async background(id: string | undefined): Promise<BackgroundUpscaler> {
    if (!id || id === 'none' || id === 'lanczos') return lanczosBackground
    const model = await this.engine.openModel({ id })
    if (model.entry.kind !== 'upscaler') throw new HeirloomError('INVALID_REQUEST', `Model "${id}" is not an upscaler.`)
    return modelBackground(model)
  }

  /** Output scale change when asked for; otherwise the session keeps the scale and background it has. */
  async outputScale(
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
}
