import type { AppError } from '../../../shared/errors'
import { APP_VERSION } from '../../../shared/version'
import { HeirloomError, throwIfAborted, toAppError } from '../errors'
import type { Affine, BoxXYWH, Face } from '../geometry/types'
import { checkOutputSize } from '../image/output-limits'
import { resizeRgb } from '../image/resize'
import type { Provenance, ProvenanceOp } from '../image/provenance'
import type { DecodedPhoto, RgbImage } from '../image/types'
import { savePhoto, type SaveResult } from '../image/write'
import type { OutputFormat } from '../image/encode'
import type { ProviderId } from '../runtime/types'
import { keepGrayscale } from '../warp/colour'
import { pasteBack, type CropMask, type PasteMask } from '../warp/paste'
import { lanczosBackground, type BackgroundUpscaler } from './background'
import type { FaceOperation } from './face-operation'
import { selectFaces, type FaceChoice } from './face-selection'
import { affineForScale } from './paste-scale'
import type { ProgressSink } from './progress'

export const DEFAULT_STRENGTH = 0.8

/** One face's cached edit: the raw result crop + its affine, re-pasted from the original at compose time. */
export interface EditLayer {
  readonly id: string
  readonly faceIndex: number
  readonly op: string
  readonly model: string
  readonly params: Readonly<Record<string, unknown>>
  readonly crop: RgbImage
  /** Image -> crop at scale 1. */
  readonly affine: Affine
  readonly strength: number
  readonly enabled: boolean
  readonly mask: PasteMask
  /** Face-region mask (paste-back "face regions"); absent = the box mask alone. */
  readonly regionMask?: CropMask
  readonly provider?: ProviderId
  readonly timings: Readonly<Record<string, number>>
}

export interface EditState {
  readonly faces: readonly Face[]
  readonly layers: readonly EditLayer[]
}

export interface HistoryStep {
  readonly label: string
  readonly state: EditState
}

export interface ApplyOptions {
  faces?: FaceChoice
  /** Paste strength of the new layers, 0..1; default 0.8. */
  strength?: number
  mask?: PasteMask
  signal?: AbortSignal
  onProgress?: ProgressSink
  /**
   * When given, a face whose model output is unusable (MODEL_FAILED: NaN/Inf) is reported here and left unedited while
   * the other faces go on; the call still fails when no face could be done. Without it, the first failure fails all.
   */
  onFaceFailed?: (faceIndex: number, error: AppError) => void
}

export interface ExportOptions {
  format?: OutputFormat
  quality?: number
  overwrite?: boolean
  /** Folders never written into (a batch's input folder). */
  inputRoots?: string[]
  /** Extra operations for the provenance note (e.g. a crop done elsewhere). */
  extraOperations?: ProvenanceOp[]
}

function checkStrength(s: number): number {
  if (!(s >= 0 && s <= 1)) throw new HeirloomError('INVALID_REQUEST', `Strength must be within 0..1 (got ${s}).`)
  return s
}

/**
 * A photo being edited: the decoded original (never modified), the faces, per-face edit layers and an undo/redo
 * history of states. States are immutable and share crops, so history steps cost no pixel copies.
 */
/**
 * Lets queued events run (a cancel message arrives as one), then throws CANCELLED if the job was cancelled. A model
 * run can hold the thread; without this a cancel sent during the last face's run was only seen after the job ended.
 */
async function cancelPoint(signal: AbortSignal | undefined): Promise<void> {
  if (signal) await new Promise<void>((resolve) => setImmediate(resolve))
  throwIfAborted(signal)
}

export class EditSession {
  readonly photo: DecodedPhoto
  private history: HistoryStep[]
  private cursor = 0
  private nextId = 1
  private scale = 1
  private background: BackgroundUpscaler = lanczosBackground
  private scaled?: { key: string; image: RgbImage }

  constructor(photo: DecodedPhoto, faces: readonly Face[] = []) {
    this.photo = photo
    this.history = [{ label: 'open', state: { faces: [...faces], layers: [] } }]
  }

  get state(): EditState {
    return this.history[this.cursor].state
  }
  get faces(): readonly Face[] {
    return this.state.faces
  }
  get layers(): readonly EditLayer[] {
    return this.state.layers
  }
  get outputScale(): number {
    return this.scale
  }
  get backgroundId(): string {
    return this.background.id
  }
  get canUndo(): boolean {
    return this.cursor > 0
  }
  get canRedo(): boolean {
    return this.cursor < this.history.length - 1
  }
  /** Labels of all steps, oldest first, and which one is current. */
  historyLabels(): { labels: string[]; current: number } {
    return { labels: this.history.map((h) => h.label), current: this.cursor }
  }

  private push(label: string, state: EditState): void {
    this.history = this.history.slice(0, this.cursor + 1)
    this.history.push({ label, state })
    this.cursor = this.history.length - 1
  }

  /**
   * Folds the last `count` steps into one (e.g. "age" then "restore" from one user action), so one undo reverts the
   * whole action. Only at the end of history, where those steps were just recorded.
   */
  squashSteps(count: number, label: string): void {
    const first = this.cursor - count + 1
    if (count < 2 || first < 1 || this.cursor !== this.history.length - 1) return
    const state = this.history[this.cursor].state
    this.history = [...this.history.slice(0, first), { label, state }]
    this.cursor = this.history.length - 1
  }

  undo(): boolean {
    if (!this.canUndo) return false
    this.cursor--
    return true
  }

  redo(): boolean {
    if (!this.canRedo) return false
    this.cursor++
    return true
  }

  /** Replaces the face list (e.g. fresh detection); layers belong to the old faces and are dropped. */
  setFaces(faces: readonly Face[], label = 'set faces'): void {
    this.push(label, { faces: [...faces], layers: [] })
  }

  /** Adds a face the user drew; returns its index. */
  addFace(face: Face): number {
    const s = this.state
    this.push('add face', { faces: [...s.faces, { ...face, source: face.source ?? 'user' }], layers: s.layers })
    return s.faces.length
  }

  /** Adjusts one face; its layers no longer match the new box and are dropped. */
  updateFace(index: number, face: Face): void {
    const s = this.state
    selectFaces([index], s.faces.length)
    const faces = s.faces.map((f, i) => (i === index ? face : f))
    this.push(`adjust face ${index}`, { faces, layers: s.layers.filter((l) => l.faceIndex !== index) })
  }

  /**
   * Deletes one face and only its layers; the other faces keep their edits (their indices shift down past the
   * removed one, so layers stay attached to the same face).
   */
  removeFace(index: number): void {
    const s = this.state
    selectFaces([index], s.faces.length)
    const layers = s.layers
      .filter((l) => l.faceIndex !== index)
      .map((l) => (l.faceIndex > index ? { ...l, faceIndex: l.faceIndex - 1 } : l))
    this.push(`delete face ${index}`, { faces: s.faces.filter((_, i) => i !== index), layers })
  }

  private layer(id: string): EditLayer {
    const l = this.state.layers.find((x) => x.id === id)
    if (!l) throw new HeirloomError('NOT_FOUND', `No edit layer "${id}".`)
    return l
  }

  private patchLayers(label: string, ids: readonly string[], patch: (l: EditLayer) => EditLayer): void {
    for (const id of ids) this.layer(id)
    const s = this.state
    this.push(label, { faces: s.faces, layers: s.layers.map((l) => (ids.includes(l.id) ? patch(l) : l)) })
  }

  /** "restore face 0" / "age faces 0,2": what the layers are and whose, for history step names. */
  private layersLabel(ids: readonly string[]): string {
    const layers = ids.map((id) => this.layer(id))
    const ops = [...new Set(layers.map((l) => l.op))].join('+')
    const faces = [...new Set(layers.map((l) => l.faceIndex))].sort((a, b) => a - b)
    return `${ops} face${faces.length === 1 ? '' : 's'} ${faces.join(',')}`
  }

  /** Re-blend strength of some layers; no model runs. */
  setStrength(ids: string | readonly string[], strength: number): void {
    checkStrength(strength)
    const list = typeof ids === 'string' ? [ids] : ids
    this.patchLayers(`strength ${Math.round(strength * 100)}% ${this.layersLabel(list)}`, list, (l) => ({
      ...l,
      strength
    }))
  }

  setEnabled(ids: string | readonly string[], enabled: boolean): void {
    const list = typeof ids === 'string' ? [ids] : ids
    this.patchLayers(`${enabled ? 'show' : 'hide'} ${this.layersLabel(list)}`, list, (l) => ({ ...l, enabled }))
  }

  removeLayer(id: string): void {
    const l = this.layer(id)
    const s = this.state
    this.push(`remove ${l.op} on face ${l.faceIndex}`, { faces: s.faces, layers: s.layers.filter((x) => x.id !== id) })
  }

  /**
   * Runs `operation` on the chosen faces and records one history step. The model sees the current composition
   * without earlier layers of the same op on those faces (re-running replaces them). All-or-nothing: a failure or
   * cancel leaves the state as it was.
   */
  async applyOperation(operation: FaceOperation, opts: ApplyOptions = {}): Promise<EditLayer[]> {
    const strength = checkStrength(opts.strength ?? DEFAULT_STRENGTH)
    const s = this.state
    const targets = selectFaces(opts.faces, s.faces.length)
    const replaced = (l: EditLayer): boolean => l.op === operation.op && targets.includes(l.faceIndex)
    const kept = s.layers.filter((l) => !replaced(l))
    const input = this.composeLayers(this.photo.image, kept, 1)
    const added: EditLayer[] = []
    for (let k = 0; k < targets.length; k++) {
      await cancelPoint(opts.signal)
      const faceIndex = targets[k]
      opts.onProgress?.({ stage: 'face', index: k, total: targets.length, faceIndex, op: operation.op })
      let r: Awaited<ReturnType<FaceOperation['runFace']>>
      try {
        r = await operation.runFace(input, s.faces[faceIndex], {
          signal: opts.signal,
          grayscale: this.photo.grayscale,
          onStep: (step) => opts.onProgress?.({ stage: 'face-step', index: k, total: targets.length, faceIndex, step })
        })
      } catch (err) {
        const e = toAppError(err)
        // Only an unusable output is one face's problem; anything else (cancel, a broken model) stops the job.
        if (!opts.onFaceFailed || e.code !== 'MODEL_FAILED' || (added.length === 0 && k === targets.length - 1))
          throw err
        opts.onFaceFailed(faceIndex, e)
        continue
      }
      added.push({
        id: `${operation.op}-${this.nextId++}`,
        faceIndex,
        op: operation.op,
        model: operation.model,
        params: { ...operation.params, ...r.applied },
        crop: r.crop,
        affine: r.affine,
        strength,
        enabled: true,
        mask: opts.mask ?? 'feather',
        ...(r.regionMask ? { regionMask: r.regionMask } : {}),
        provider: operation.provider,
        timings: r.timings
      })
    }
    await cancelPoint(opts.signal)
    // Keep layer order stable: a re-run layer takes the place of the one it replaces.
    const layers: EditLayer[] = []
    for (const l of s.layers) {
      if (!replaced(l)) layers.push(l)
      else {
        const again = added.find((a) => a.faceIndex === l.faceIndex)
        if (again && !layers.includes(again)) layers.push(again)
      }
    }
    for (const a of added) if (!layers.includes(a)) layers.push(a)
    this.push(`${operation.op} face${targets.length === 1 ? '' : 's'} ${targets.join(',')}`, { faces: s.faces, layers })
    return added
  }

  /**
   * Output scale (1, 2, 4) and how the background gets there. The upscaled background is computed once and cached,
   * so strength changes and toggles at that scale only re-paste faces.
   */
  async setOutputScale(
    scale: number,
    background: BackgroundUpscaler = lanczosBackground,
    opts: { signal?: AbortSignal; onProgress?: ProgressSink } = {}
  ): Promise<void> {
    if (!(Number.isInteger(scale) && scale >= 1 && scale <= 8)) {
      throw new HeirloomError('INVALID_REQUEST', `Output scale must be an integer 1..8 (got ${scale}).`)
    }
    checkOutputSize(this.photo.image.width, this.photo.image.height, scale)
    this.scale = scale
    this.background = background
    if (scale === 1) {
      this.scaled = undefined
      return
    }
    const key = `${scale}:${background.id}`
    if (this.scaled?.key === key) return
    this.scaled = undefined
    const image = await background.upscale(this.photo.image, scale, {
      signal: opts.signal,
      onTile: (done, total) => opts.onProgress?.({ stage: 'tile', index: done - 1, total })
    })
    // A model background may tint a gray photo slightly.
    if (this.photo.grayscale) keepGrayscale(image)
    this.scaled = { key, image }
  }

  private composeLayers(base: RgbImage, layers: readonly EditLayer[], scale: number): RgbImage {
    const live = layers.filter((l) => l.enabled && l.strength > 0)
    if (live.length === 0) return base
    const out: RgbImage = { width: base.width, height: base.height, data: base.data.slice() }
    const faces = this.state.faces
    for (const l of live) {
      // Each edit stays on its own face: the other faces' cores are protected from this layer's crop.
      const protect = faces
        .filter((_, i) => i !== l.faceIndex)
        .map((f): BoxXYWH => [f.box[0] * scale, f.box[1] * scale, f.box[2] * scale, f.box[3] * scale])
      pasteBack(out, l.crop, affineForScale(l.affine, scale), {
        strength: l.strength,
        mask: l.mask,
        protect,
        regionMask: l.regionMask
      })
    }
    return out
  }

  /** The edited photo: enabled layers pasted onto a copy of the original (or its upscaled background). */
  compose(): RgbImage {
    const base = this.scale === 1 ? this.photo.image : this.scaled?.image
    if (!base)
      throw new HeirloomError('INVALID_REQUEST', 'The upscaled background is not ready; call setOutputScale first.')
    const out = this.composeLayers(base, this.state.layers, this.scale)
    return out === this.photo.image ? { width: out.width, height: out.height, data: out.data.slice() } : out
  }

  /** What was done, for the provenance note: one entry per op/model/params group with its faces. */
  provenance(extra: ProvenanceOp[] = []): Provenance {
    const groups = new Map<string, ProvenanceOp & { faces: number[]; strengths: number[] }>()
    for (const l of this.state.layers) {
      if (!l.enabled || l.strength <= 0) continue
      const key = JSON.stringify([l.op, l.model, l.params])
      let g = groups.get(key)
      if (!g) {
        g = { op: l.op, model: l.model, params: { ...l.params }, faces: [], strengths: [] }
        groups.set(key, g)
      }
      g.faces.push(l.faceIndex)
      g.strengths.push(l.strength)
    }
    const operations: ProvenanceOp[] = [...groups.values()].map((g) => ({
      op: g.op,
      model: g.model,
      params: {
        ...g.params,
        faces: g.faces,
        strength: g.strengths.every((x) => x === g.strengths[0]) ? g.strengths[0] : g.strengths
      }
    }))
    if (this.scale !== 1) operations.push({ op: 'upscale', model: this.background.id, params: { scale: this.scale } })
    return { software: `Heirloom ${APP_VERSION}`, operations: [...operations, ...extra] }
  }

  /** Composes and writes the photo with its metadata and a provenance note; never over the original file. */
  async export(path: string, opts: ExportOptions = {}): Promise<SaveResult> {
    const image = this.compose()
    let alpha = this.photo.alpha
    if (alpha && this.scale !== 1)
      alpha = await scaleAlpha(alpha, this.photo.image.width, this.photo.image.height, image.width, image.height)
    return savePhoto(path, image, {
      format: opts.format,
      quality: opts.quality,
      overwrite: opts.overwrite,
      inputRoots: opts.inputRoots,
      alpha,
      grayscale: this.photo.grayscale,
      metadata: this.photo.metadata,
      provenance: this.provenance(opts.extraOperations),
      protectedPaths: this.photo.sourcePath ? [this.photo.sourcePath] : []
    })
  }
}

/** Alpha plane resized with the photo (Lanczos through an RGB round trip). */
export async function scaleAlpha(alpha: Uint8Array, w: number, h: number, W: number, H: number): Promise<Uint8Array> {
  const rgb = new Uint8Array(w * h * 3)
  for (let i = 0; i < alpha.length; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = alpha[i]!
  const up = await resizeRgb({ width: w, height: h, data: rgb }, W, H, 'lanczos3')
  const out = new Uint8Array(W * H)
  for (let i = 0; i < out.length; i++) out[i] = up.data[i * 3]!
  return out
}
