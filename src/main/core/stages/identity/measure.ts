import type { LoadedModel } from '../../engine'
import { HeirloomError } from '../../errors'
import { applyAffine, composeAffine, invertAffine } from '../../geometry/affine'
import type { Affine } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import type { EditLayer, EditSession } from '../../pipeline/edit-session'
import { pasteBack } from '../../warp/paste'
import { cosine, SAME_PERSON_COSINE, SFACE_SIZE, sfaceAffine, sfaceFeature, sfaceTensor } from './sface'

/** One face's identity check: original vs the result as composed now. */
export interface IdentityMeasure {
  similarity: number
  /** similarity >= 0.363 (OpenCV's SFace threshold). */
  samePerson: boolean
}

/** What Keep identity did to one face. */
export interface KeepIdentityResult {
  /** The similarity asked for. */
  min: number
  reached: boolean
  /** Strength before and after (equal when nothing had to change). */
  fromStrength: number
  toStrength: number
  /** Similarity before and after. */
  before: number
  after: number
}

/** Lowest strength Keep identity goes down to; below it the restoration is as good as undone. */
export const KEEP_IDENTITY_FLOOR = 0.1
const BISECT_STEPS = 7

const shift = (x0: number, y0: number): Affine => [1, 0, x0, 0, 1, y0]

/**
 * Measures identity per face of an edit session. Only the pixels the 112 crop sees are composed (a small window
 * around the face, not the whole photo), so a re-blend search costs a few small pastes and SFace runs.
 */
export class IdentityMeter {
  private readonly originals = new Map<string, Float32Array>()

  constructor(
    readonly model: LoadedModel,
    private readonly session: EditSession
  ) {}

  /** The window (image pixels) the face's 112 crop reads, grown by 2 px for the bilinear taps. */
  private window(faceIndex: number): { x0: number; y0: number; w: number; h: number; affine: Affine } {
    const face = this.session.faces[faceIndex]
    if (!face) throw new HeirloomError('NOT_FOUND', `No face ${faceIndex} to measure.`)
    const affine = sfaceAffine(face)
    const inv = invertAffine(affine)
    const corners = [
      [-0.5, -0.5],
      [SFACE_SIZE, -0.5],
      [-0.5, SFACE_SIZE],
      [SFACE_SIZE, SFACE_SIZE]
    ].map((p) => applyAffine(inv, p as [number, number]))
    const { width, height } = this.session.photo.image
    const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))) - 2)
    const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))) - 2)
    const x1 = Math.min(width, Math.ceil(Math.max(...corners.map((p) => p[0]))) + 3)
    const y1 = Math.min(height, Math.ceil(Math.max(...corners.map((p) => p[1]))) + 3)
    if (x1 <= x0 || y1 <= y0) throw new HeirloomError('INVALID_REQUEST', `Face ${faceIndex} lies outside the photo.`)
    return { x0, y0, w: x1 - x0, h: y1 - y0, affine }
  }

  /** The original photo's pixels in the window. */
  private cut(x0: number, y0: number, w: number, h: number): RgbImage {
    const src = this.session.photo.image
    const data = new Uint8Array(w * h * 3)
    for (let y = 0; y < h; y++) {
      const from = ((y0 + y) * src.width + x0) * 3
      data.set(src.data.subarray(from, from + w * 3), y * w * 3)
    }
    return { width: w, height: h, data }
  }

  private async originalFeature(faceIndex: number, signal?: AbortSignal): Promise<Float32Array> {
    const face = this.session.faces[faceIndex]
    const key = JSON.stringify(face.landmarks)
    let f = this.originals.get(key)
    if (!f) {
      f = await sfaceFeature(this.model, sfaceTensor(this.session.photo.image, sfaceAffine(face)), signal)
      this.originals.set(key, f)
    }
    return f
  }

  /**
   * Similarity of face `faceIndex` between the original and the result: the face's enabled layers pasted in order
   * over the original, with `strengths` overriding some layers' strength (the re-blend search).
   */
  async measure(
    faceIndex: number,
    opts: { strengths?: ReadonlyMap<string, number>; signal?: AbortSignal } = {}
  ): Promise<IdentityMeasure> {
    const { x0, y0, w, h, affine } = this.window(faceIndex)
    const win = this.cut(x0, y0, w, h)
    const toWin = shift(x0, y0)
    const protect = this.session.faces
      .filter((_, i) => i !== faceIndex)
      .map((f) => [f.box[0] - x0, f.box[1] - y0, f.box[2], f.box[3]] as [number, number, number, number])
    for (const l of this.session.layers) {
      if (l.faceIndex !== faceIndex || !l.enabled) continue
      const strength = opts.strengths?.get(l.id) ?? l.strength
      if (strength <= 0) continue
      pasteBack(win, l.crop, composeAffine(l.affine, toWin), {
        strength,
        mask: l.mask,
        protect,
        regionMask: l.regionMask
      })
    }
    const original = await this.originalFeature(faceIndex, opts.signal)
    const result = await sfaceFeature(this.model, sfaceTensor(win, composeAffine(affine, toWin)), opts.signal)
    const similarity = cosine(original, result)
    return { similarity, samePerson: similarity >= SAME_PERSON_COSINE }
  }

  /**
   * Keep identity: lowers the strength of `layer` (a re-blend, no model run) by bisection until the face's
   * similarity reaches `min`, never below KEEP_IDENTITY_FLOOR. Returns the strength found; the caller applies it.
   */
  async keep(layer: EditLayer, min: number, signal?: AbortSignal): Promise<KeepIdentityResult> {
    if (!(min >= -1 && min <= 1)) {
      throw new HeirloomError('INVALID_REQUEST', `The identity minimum must be within -1..1 (got ${min}).`)
    }
    const at = async (s: number): Promise<number> =>
      (await this.measure(layer.faceIndex, { strengths: new Map([[layer.id, s]]), signal })).similarity
    const from = layer.strength
    const before = await at(from)
    if (before >= min) return { min, reached: true, fromStrength: from, toStrength: from, before, after: before }
    const floor = Math.min(from, KEEP_IDENTITY_FLOOR)
    const atFloor = await at(floor)
    if (atFloor < min) {
      return { min, reached: false, fromStrength: from, toStrength: floor, before, after: atFloor }
    }
    // Largest strength in [floor, from) whose similarity still reaches min.
    let lo = floor
    let loSim = atFloor
    let hi = from
    for (let i = 0; i < BISECT_STEPS; i++) {
      const mid = (lo + hi) / 2
      const s = await at(mid)
      if (s >= min) {
        lo = mid
        loSim = s
      } else hi = mid
    }
    const to = Math.floor(lo * 1000) / 1000
    return { min, reached: true, fromStrength: from, toStrength: to, before, after: to === lo ? loSim : await at(to) }
  }
}
