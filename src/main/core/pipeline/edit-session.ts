import type { AppError } from '../../../shared/errors'
import { APP_VERSION } from '../../../shared/version'
import { HeirloomError, throwIfAborted, toAppError } from '../errors'
import type { Affine, BoxXYWH, Face } from '../geometry/types'
import { checkOutputSize } from '../image/output-limits'
import { cropRgb, scaleRgb, sideBySide } from '../image/export-image'
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
import type { PhotoOperation } from './photo-operation'
import { selectFaces, type FaceChoice } from './face-selection'
import { affineForScale } from './paste-scale'
import type { ProgressSink } from './progress'
import { DEFAULT_RESTORE_STRENGTH } from '../../../shared/defaults'

export const DEFAULT_STRENGTH = DEFAULT_RESTORE_STRENGTH

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

/**
 * A per-photo edit (repair, colour): a new base image the face layers are composed on. Photo layers stack in the
 * order they were applied; each one's input is the base before it (the latest one is what faces are pasted on).
 */
export interface PhotoLayer {
  readonly id: string
  readonly op: string
  readonly model: string
  readonly params: Readonly<Record<string, unknown>>
  /** The whole photo after this edit, at scale 1 (same size as the original). */
  readonly image: RgbImage
  /** Whether `image` is still gray (a colourised base is not: later edits may then use colour). */
  readonly grayscale: boolean
  readonly provider?: ProviderId
  readonly timings: Readonly<Record<string, number>>
}

export interface EditState {
  readonly faces: readonly Face[]
  readonly layers: readonly EditLayer[]
  /** Per-photo edits, oldest first; face layers are composed on the last one's image. */
  readonly photoLayers: readonly PhotoLayer[]
}

/**
 * What one history step did, as data: `op` is an operation id from the registry ('restore', 'age', ...) or one of
 * the session's own steps ('open', 'detect', 'set-faces', 'add-face', 'adjust-face', 'delete-face', 'strength',
 * 'show', 'hide', 'remove-layer'); `faces` the face indices it touched; `params` what it was given. Display labels
 * are derived from this (operations/labels.ts), never parsed back.
 */
export interface HistoryEntry {
  readonly op: string
  readonly faces: readonly number[]
  readonly params: Readonly<Record<string, unknown>>
}

/** An opaque point in a session's history (EditSession.mark / rollback). */
export interface HistoryMark {
  readonly history: readonly HistoryStep[]
  readonly cursor: number
}

export interface HistoryStep extends HistoryEntry {
  readonly state: EditState
}

export interface ApplyOptions {
  faces?: FaceChoice
  /** Paste strength of the new layers, 0..1; default DEFAULT_RESTORE_STRENGTH (shared/defaults.ts). */
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
  /** A rectangle of the photo (photo pixels, scaled with the output) to write instead of the whole photo. */
  crop?: BoxXYWH
  /** Before | after in one image. */
  beforeAfterSheet?: boolean
  /** Resize factor of the written image (0..8]. */
  resize?: number
  /** Keep the original's EXIF/ICC/XMP (default true). */
  keepMetadata?: boolean
  /** Write the provenance note (default true). */
  provenance?: boolean
  /** More paths never written (other photos open in the app). */
  protectedPaths?: string[]
  /** The composed photo when the caller already has it (the app's cached view); composed here otherwise. */
  composed?: RgbImage
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
  private history: readonly HistoryStep[]
  private cursor = 0
  private nextId = 1
  private scale = 1
  private turn = 0
  private rev = 0
  private background: BackgroundUpscaler = lanczosBackground
  /** Upscaled bases by `${scale}:${background}:${base layer id}`, so undo across a photo edit needs no model run. */
  private scaled = new Map<string, RgbImage>()

  constructor(photo: DecodedPhoto, faces: readonly Face[] = []) {
    this.photo = photo
    this.history = [{ op: 'open', faces: [], params: {}, state: { faces: [...faces], layers: [], photoLayers: [] } }]
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
  get photoLayers(): readonly PhotoLayer[] {
    return this.state.photoLayers
  }
  /** Whether the current base is gray (face edits and upscaled backgrounds then stay gray). */
  get grayscale(): boolean {
    return this.state.photoLayers.at(-1)?.grayscale ?? this.photo.grayscale
  }
  /** The image face layers are pasted on at scale 1: the last photo edit's result, else the original. */
  get base(): RgbImage {
    return this.state.photoLayers.at(-1)?.image ?? this.photo.image
  }
  get outputScale(): number {
    return this.scale
  }
  get backgroundId(): string {
    return this.background.id
  }
  /** Bumped whenever what the session shows changes (a step, undo/redo, faces, output scale); not by no-ops. */
  get revision(): number {
    return this.rev
  }
  get canUndo(): boolean {
    return this.cursor > 0
  }
  get canRedo(): boolean {
    return this.cursor < this.history.length - 1
  }
  /** All steps as data (no pixels), oldest first, and which one is current. */
  steps(): { steps: HistoryEntry[]; current: number } {
    return {
      steps: this.history.map((h) => ({ op: h.op, faces: [...h.faces], params: { ...h.params } })),
      current: this.cursor
    }
  }

  /** Layer ids are opaque and stable for the session's life: `l1`, `l2`, ... (never reused, never renamed). */
  private mintId(): string {
    return `l${this.nextId++}`
  }

  private push(entry: HistoryEntry, state: EditState): void {
    // A new list every time: marks (rollback) keep the old one.
    this.history = [
      ...this.history.slice(0, this.cursor + 1),
      { op: entry.op, faces: [...entry.faces], params: { ...entry.params }, state }
    ]
    this.cursor = this.history.length - 1
    this.rev++
  }

  /**
   * Folds the last `count` steps into one (e.g. "age" then "restore" from one user action), so one undo reverts the
   * whole action. Only at the end of history, where those steps were just recorded.
   */
  squashSteps(count: number, entry: HistoryEntry): void {
    const first = this.cursor - count + 1
    if (count < 2 || first < 1 || this.cursor !== this.history.length - 1) return
    const state = this.history[this.cursor].state
    this.history = [...this.history.slice(0, first), { ...entry, state }]
    this.cursor = this.history.length - 1
  }

  undo(): boolean {
    if (!this.canUndo) return false
    this.cursor--
    this.rev++
    return true
  }

  redo(): boolean {
    if (!this.canRedo) return false
    this.cursor++
    this.rev++
    return true
  }

  /**
   * Faces a detector found under a clockwise `rotation`: an untouched session starts from them (nothing to undo back
   * to), otherwise they replace the faces as a 'detect' step (face layers belong to the old faces and are dropped).
   */
  detected(faces: readonly Face[], rotation: number, params: Record<string, unknown> = {}): void {
    this.turn = rotation
    if (!this.canUndo && !this.canRedo && this.faces.length === 0 && this.scale === 1) {
      const first = this.history[0]
      this.history = [{ ...first, state: { ...first.state, faces: [...faces] } }]
      this.rev++
      return
    }
    const s = this.state
    this.push(
      { op: 'detect', faces: faces.map((_, i) => i), params },
      { faces: [...faces], layers: [], photoLayers: s.photoLayers }
    )
  }

  /** Clockwise turn under which the last detection found the faces (0 when upright or never detected). */
  get rotation(): number {
    return this.turn
  }

  /** Replaces the face list (e.g. fresh detection); layers belong to the old faces and are dropped. */
  setFaces(faces: readonly Face[], op: 'set-faces' | 'detect' = 'set-faces'): void {
    const s = this.state
    this.push(
      { op, faces: faces.map((_, i) => i), params: {} },
      { faces: [...faces], layers: [], photoLayers: s.photoLayers }
    )
  }

  /** Adds a face the user drew; returns its index. */
  addFace(face: Face): number {
    const s = this.state
    this.push(
      { op: 'add-face', faces: [s.faces.length], params: {} },
      { ...s, faces: [...s.faces, { ...face, source: face.source ?? 'user' }] }
    )
    return s.faces.length
  }

  /** Adjusts one face; its layers no longer match the new box and are dropped. */
  updateFace(index: number, face: Face): void {
    const s = this.state
    selectFaces([index], s.faces.length)
    const faces = s.faces.map((f, i) => (i === index ? face : f))
    this.push(
      { op: 'adjust-face', faces: [index], params: {} },
      { ...s, faces, layers: s.layers.filter((l) => l.faceIndex !== index) }
    )
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
    this.push(
      { op: 'delete-face', faces: [index], params: {} },
      { ...s, faces: s.faces.filter((_, i) => i !== index), layers }
    )
  }

  private layer(id: string): EditLayer {
    const l = this.state.layers.find((x) => x.id === id)
    if (!l) throw new HeirloomError('NOT_FOUND', `No edit layer "${id}".`)
    return l
  }

  /** One step patching some layers; the entry names their ops and faces (e.g. strength 40% of age on faces 0,1). */
  private patchLayers(
    op: string,
    params: Record<string, unknown>,
    ids: readonly string[],
    patch: (l: EditLayer) => EditLayer
  ): void {
    const layers = ids.map((id) => this.layer(id))
    const ops = [...new Set(layers.map((l) => l.op))]
    const faces = [...new Set(layers.map((l) => l.faceIndex))].sort((a, b) => a - b)
    const s = this.state
    this.push(
      { op, faces, params: { ...params, ops } },
      { ...s, layers: s.layers.map((l) => (ids.includes(l.id) ? patch(l) : l)) }
    )
  }

  /** Re-blend strength of some layers; no model runs. */
  setStrength(ids: string | readonly string[], strength: number): void {
    checkStrength(strength)
    const list = typeof ids === 'string' ? [ids] : ids
    this.patchLayers('strength', { strength }, list, (l) => ({ ...l, strength }))
  }

  setEnabled(ids: string | readonly string[], enabled: boolean): void {
    const list = typeof ids === 'string' ? [ids] : ids
    this.patchLayers(enabled ? 'show' : 'hide', {}, list, (l) => ({ ...l, enabled }))
  }

  removeLayer(id: string): void {
    const l = this.layer(id)
    const s = this.state
    this.push(
      { op: 'remove-layer', faces: [l.faceIndex], params: { ops: [l.op] } },
      { ...s, layers: s.layers.filter((x) => x.id !== id) }
    )
  }

  /**
   * Runs `operation` on the chosen faces and records one history step. The model sees the current composition
   * without earlier layers of the same op on those faces (re-running replaces them). All-or-nothing: a failure or
   * cancel leaves the state as it was.
   */
  async applyOperation(
    operation: FaceOperation,
    opts: ApplyOptions = {},
    stepParams: Record<string, unknown> = operation.params
  ): Promise<EditLayer[]> {
    const strength = checkStrength(opts.strength ?? DEFAULT_STRENGTH)
    const s = this.state
    const targets = selectFaces(opts.faces, s.faces.length)
    const replaced = (l: EditLayer): boolean => l.op === operation.op && targets.includes(l.faceIndex)
    const kept = s.layers.filter((l) => !replaced(l))
    const input = this.composeLayers(this.base, kept, 1)
    const added: EditLayer[] = []
    for (let k = 0; k < targets.length; k++) {
      await cancelPoint(opts.signal)
      const faceIndex = targets[k]
      opts.onProgress?.({ stage: 'face', index: k, total: targets.length, faceIndex, op: operation.op })
      let r: Awaited<ReturnType<FaceOperation['runFace']>>
      try {
        r = await operation.runFace(input, s.faces[faceIndex], {
          signal: opts.signal,
          grayscale: this.grayscale,
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
        id: this.mintId(),
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
    this.push({ op: operation.op, faces: targets, params: stepParams }, { ...s, layers })
    return added
  }

  /**
   * Runs a per-photo `operation` on the current base (the original, or the last photo edit's result) and records one
   * step: its result becomes the new base, the face layers stay on top of it. All-or-nothing like applyOperation.
   */
  async applyPhotoOperation(
    operation: PhotoOperation,
    opts: {
      signal?: AbortSignal
      onProgress?: ProgressSink
      /**
       * 'composed': run on the photo as edited (base + face layers, at scale 1); the face layers are then part of
       * the new base and leave the layer list (undo brings them back). Default 'base': under the face layers.
       */
      over?: 'base' | 'composed'
    } = {},
    stepParams: Record<string, unknown> = operation.params
  ): Promise<PhotoLayer> {
    const s = this.state
    await cancelPoint(opts.signal)
    const composed = opts.over === 'composed'
    const input = composed ? this.composeLayers(this.base, s.layers, 1) : this.base
    const gray = this.grayscale
    const r = await operation.runPhoto(input, {
      signal: opts.signal,
      grayscale: gray,
      onProgress: opts.onProgress
    })
    if (r.image.width !== input.width || r.image.height !== input.height) {
      throw new HeirloomError(
        'MODEL_FAILED',
        `The ${operation.op} edit returned ${r.image.width}x${r.image.height} for a ${input.width}x${input.height} photo.`
      )
    }
    const layer: PhotoLayer = {
      id: this.mintId(),
      op: operation.op,
      model: operation.model,
      params: { ...operation.params, ...r.applied },
      image: r.image,
      grayscale: r.grayscale ?? gray,
      provider: operation.provider,
      timings: r.timings
    }
    // At an output scale above 1 the new base is upscaled now (a model may run), so compose stays synchronous.
    if (this.scale !== 1) await this.upscaleBase(layer.id, layer.image, layer.grayscale, opts)
    await cancelPoint(opts.signal)
    this.push(
      { op: operation.op, faces: [], params: stepParams },
      { ...s, layers: composed ? [] : s.layers, photoLayers: [...s.photoLayers, layer] }
    )
    return layer
  }

  /** The history as it is now, for rollback (steps are immutable and every change makes a new list). */
  mark(): HistoryMark {
    return { history: this.history, cursor: this.cursor }
  }

  /**
   * Back to a mark: an operation made of several steps (a photo edit, then its faces redone) that failed part-way
   * leaves nothing behind, and the redo steps it cut off come back.
   */
  rollback(mark: HistoryMark): void {
    if (mark.history === this.history && mark.cursor === this.cursor) return
    this.history = mark.history
    this.cursor = mark.cursor
    this.rev++
  }

  private scaledKey(baseId: string): string {
    return `${this.scale}:${this.background.id}:${baseId}`
  }

  private async upscaleBase(
    baseId: string,
    base: RgbImage,
    gray: boolean,
    opts: { signal?: AbortSignal; onProgress?: ProgressSink }
  ): Promise<void> {
    const key = this.scaledKey(baseId)
    if (this.scaled.has(key)) return
    const image = await this.background.upscale(base, this.scale, {
      signal: opts.signal,
      onTile: (done, total) => opts.onProgress?.({ stage: 'tile', index: done - 1, total })
    })
    // A model background may tint a gray photo slightly.
    if (gray) keepGrayscale(image)
    this.scaled.set(key, image)
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
    const keep = new Map<string, RgbImage>()
    if (scale !== 1) {
      const prefix = `${scale}:${background.id}:`
      for (const [k, v] of this.scaled) if (k.startsWith(prefix)) keep.set(k, v)
    }
    const before = { scale: this.scale, background: this.background, scaled: this.scaled, rev: this.rev }
    if (scale !== this.scale || background.id !== this.background.id) this.rev++
    this.scale = scale
    this.background = background
    this.scaled = keep
    if (scale === 1) return
    try {
      // Every base any step of the history shows (the original and each photo edit), so undo/redo never wait on a model.
      const bases = new Map<string, { image: RgbImage; gray: boolean }>([
        ['original', { image: this.photo.image, gray: this.photo.grayscale }]
      ])
      for (const h of this.history)
        for (const p of h.state.photoLayers) bases.set(p.id, { image: p.image, gray: p.grayscale })
      for (const [id, b] of bases) await this.upscaleBase(id, b.image, b.gray, opts)
      throwIfAborted(opts.signal)
    } catch (err) {
      // A cancelled or failed change of scale leaves the session as it was.
      Object.assign(this, before)
      throw err
    }
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
    const baseId = this.state.photoLayers.at(-1)?.id ?? 'original'
    const base = this.scale === 1 ? this.base : this.scaled.get(this.scaledKey(baseId))
    if (!base)
      throw new HeirloomError('INVALID_REQUEST', 'The upscaled background is not ready; call setOutputScale first.')
    const out = this.composeLayers(base, this.state.layers, this.scale)
    return out === base ? { width: out.width, height: out.height, data: out.data.slice() } : out
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
    // Photo edits happened first (faces are pasted on their result), so they lead the note.
    const photoOps: ProvenanceOp[] = this.state.photoLayers.map((p) => ({
      op: p.op,
      model: p.model,
      params: { ...p.params }
    }))
    operations.unshift(...photoOps)
    if (this.scale !== 1) operations.push({ op: 'upscale', model: this.background.id, params: { scale: this.scale } })
    return { software: `Heirloom ${APP_VERSION}`, operations: [...operations, ...extra] }
  }

  /** Composes and writes the photo with its metadata and a provenance note; never over the original file. */
  async export(path: string, opts: ExportOptions = {}): Promise<SaveResult & { width: number; height: number }> {
    const photo = this.photo
    let image = opts.composed ?? this.compose()
    const k = image.width / photo.image.width
    const extra: ProvenanceOp[] = []
    const scaledCrop = opts.crop
      ? ([opts.crop[0] * k, opts.crop[1] * k, opts.crop[2] * k, opts.crop[3] * k] as BoxXYWH)
      : undefined
    if (opts.crop && scaledCrop) {
      image = cropRgb(image, scaledCrop)
      extra.push({ op: 'crop', params: { box: opts.crop.map((v) => Math.round(v)) } })
    }
    if (opts.beforeAfterSheet) {
      // Output scales are integers, so the scaled original matches the composed size exactly.
      let before = await scaleRgb(photo.image, k)
      if (scaledCrop) before = cropRgb(before, scaledCrop)
      image = sideBySide(before, image)
      extra.push({ op: 'before-after-sheet' })
    }
    const resize = opts.resize ?? 1
    if (!(resize > 0 && resize <= 8))
      throw new HeirloomError('INVALID_REQUEST', `Export resize must be within 0..8 (got ${resize}).`)
    if (resize !== 1) {
      image = await scaleRgb(image, resize)
      extra.push({ op: 'resize', params: { scale: resize } })
    }
    // The alpha plane follows the photo when only the output scale changed its size.
    const plain = !opts.crop && !opts.beforeAfterSheet && resize === 1
    const alpha =
      plain && photo.alpha
        ? k === 1
          ? photo.alpha
          : await scaleAlpha(photo.alpha, photo.image.width, photo.image.height, image.width, image.height)
        : undefined
    const saved = await savePhoto(path, image, {
      format: opts.format,
      quality: opts.quality,
      overwrite: opts.overwrite,
      inputRoots: opts.inputRoots,
      alpha,
      grayscale: this.grayscale,
      metadata: photo.metadata,
      keepMetadata: opts.keepMetadata ?? true,
      provenance: opts.provenance === false ? undefined : this.provenance([...extra, ...(opts.extraOperations ?? [])]),
      protectedPaths: [...(photo.sourcePath ? [photo.sourcePath] : []), ...(opts.protectedPaths ?? [])]
    })
    return { ...saved, width: image.width, height: image.height }
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
