/**
 * The damage mask the user paints: coverage 0..255 per pixel on typed arrays (no canvas), so it is exact, fast enough
 * (work is bounded by the brush's footprint) and unit-testable in Node. A pixel whose coverage is at least DAMAGED
 * (50 %) is damage; a soft brush's fainter fringe is shown, not repaired (hardness moves where the damaged edge sits).
 *
 * The raster has a working size: the photo's own when it has at most MAX_WORKING_PIXELS, else scaled down (same
 * aspect). Points and brush sizes come in PHOTO pixels and are mapped here; masks go in and out at the photo's size.
 */

/** Coverage at or above this counts as damaged (the exported mask, the area readout and the bold overlay). */
export const DAMAGED = 128

/** Above this many photo pixels the mask works at a smaller size (memory: ~2 bytes per working pixel + undo). */
export const MAX_WORKING_PIXELS = 4096 * 4096

export type BrushMode = 'brush' | 'eraser'

export const BRUSH_MIN = 1
export const BRUSH_MAX = 1000

/** `[` / `]`: about 15 % a press (at least one pixel), so both a 3 px dust brush and a 300 px tear brush are quick. */
export function stepBrushSize(size: number, dir: 1 | -1): number {
  const next = dir > 0 ? Math.max(size + 1, Math.round(size * 1.15)) : Math.min(size - 1, Math.round(size / 1.15))
  return Math.min(BRUSH_MAX, Math.max(BRUSH_MIN, next))
}

export interface Brush {
  mode: BrushMode
  /** Diameter in photo pixels. */
  size: number
  /** 1 = hard edge (anti-aliased), 0 = coverage falls off smoothly from the centre to the rim. */
  hardness: number
}

/** Photo-pixel point. */
export interface Point {
  x: number
  y: number
}

/** Working-pixel rectangle, half-open: [x0, x1) x [y0, y1). */
export interface Rect {
  x0: number
  y0: number
  x1: number
  y1: number
}

export interface WorkingSize {
  width: number
  height: number
  /** Working pixels per photo pixel, per axis (1 at full resolution). */
  scaleX: number
  scaleY: number
}

export function workingSize(photoW: number, photoH: number, maxPixels = MAX_WORKING_PIXELS): WorkingSize {
  if (!(photoW >= 1 && photoH >= 1)) throw new RangeError(`mask size ${photoW}x${photoH} is not a photo size`)
  const f = photoW * photoH <= maxPixels ? 1 : Math.sqrt(maxPixels / (photoW * photoH))
  const width = Math.max(1, Math.round(photoW * f))
  const height = Math.max(1, Math.round(photoH * f))
  return { width, height, scaleX: width / photoW, scaleY: height / photoH }
}

/**
 * Coverage (0..1) of a brush of `radius` at distance `d` from its centre. The soft band runs from hardness*radius to
 * the rim with a smoothstep; a band under one pixel becomes a one-pixel anti-aliased rim centred on the radius.
 */
export function brushCoverage(d: number, radius: number, hardness: number): number {
  const h = Math.min(1, Math.max(0, hardness))
  const inner = h * radius
  if (radius - inner < 1) return Math.min(1, Math.max(0, radius + 0.5 - d))
  if (d <= inner) return 1
  if (d >= radius) return 0
  const t = (d - inner) / (radius - inner)
  return 1 - t * t * (3 - 2 * t)
}

/**
 * The x-interval where the horizontal line y = py meets the capsule of radius `reach` around segment a-b (the
 * capsule is convex, so its end discs and its band each give an interval and their union is one), or null.
 */
export function capsuleRow(
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  reach: number
): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (const [cx, cy] of [
    [ax, ay],
    [bx, by]
  ]) {
    const h = reach * reach - (py - cy) * (py - cy)
    if (h >= 0) {
      const w = Math.sqrt(h)
      lo = Math.min(lo, cx - w)
      hi = Math.max(hi, cx + w)
    }
  }
  const dx = bx - ax
  const dy = by - ay
  const len = Math.hypot(dx, dy)
  if (len > 0) {
    // Along the segment: 0 <= ((x - ax) dx + (py - ay) dy) / len <= len; across it: |(py - ay) dx - (x - ax) dy| / len <= reach.
    let bandLo = -Infinity
    let bandHi = Infinity
    const c = (py - ay) * dy
    if (dx !== 0) {
      const p = (0 - c) / dx + ax
      const q = (len * len - c) / dx + ax
      bandLo = Math.max(bandLo, Math.min(p, q))
      bandHi = Math.min(bandHi, Math.max(p, q))
    } else if (c < 0 || c > len * len) bandHi = -Infinity
    const e = (py - ay) * dx
    if (dy !== 0) {
      const p = (e - reach * len) / dy + ax
      const q = (e + reach * len) / dy + ax
      bandLo = Math.max(bandLo, Math.min(p, q))
      bandHi = Math.min(bandHi, Math.max(p, q))
    } else if (Math.abs(e) > reach * len) bandHi = -Infinity
    if (bandLo <= bandHi) {
      lo = Math.min(lo, bandLo)
      hi = Math.max(hi, bandHi)
    }
  }
  return lo <= hi ? [lo, hi] : null
}

/** One undoable change: the pixels it touched with their values before and after. */
interface Change {
  indices: Uint32Array
  before: Uint8Array
  after: Uint8Array
  rect: Rect
}

/** Undo history is dropped oldest first beyond this many bytes (9 bytes per changed pixel). */
const UNDO_BYTES = 96 * 1024 * 1024
const UNDO_STEPS = 200

/** A growable list of (index, value before) of the pixels the current stroke touched. */
class Touched {
  indices = new Uint32Array(4096)
  before = new Uint8Array(4096)
  length = 0
  push(index: number, value: number): void {
    if (this.length === this.indices.length) {
      const n = this.indices.length * 2
      const i2 = new Uint32Array(n)
      i2.set(this.indices)
      const b2 = new Uint8Array(n)
      b2.set(this.before)
      this.indices = i2
      this.before = b2
    }
    this.indices[this.length] = index
    this.before[this.length++] = value
  }
}

const unionRect = (a: Rect | null, b: Rect): Rect =>
  a ? { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) } : b

/**
 * The mask being edited: strokes (brush adds, eraser removes), clear and replace, each undoable. Within one stroke a
 * pixel takes the MAX coverage of the stroke's swept brush, so fast pointer moves (long segments) and slow ones
 * (many short ones) paint the same thing and a stroke never darkens where it crosses itself.
 */
export class MaskEditor {
  readonly width: number
  readonly height: number
  readonly scaleX: number
  readonly scaleY: number
  readonly data: Uint8Array
  private damaged = 0
  /** The current stroke's coverage per pixel (0 where it has not been). */
  private stroke: Uint8Array | null = null
  private touched: Touched | null = null
  private active: { brush: Brush; last: Point; rect: Rect | null } | null = null
  private undoStack: Change[] = []
  private redoStack: Change[] = []
  private listeners = new Set<(rect: Rect | null) => void>()

  constructor(
    readonly photoWidth: number,
    readonly photoHeight: number,
    maxPixels = MAX_WORKING_PIXELS
  ) {
    const s = workingSize(photoWidth, photoHeight, maxPixels)
    this.width = s.width
    this.height = s.height
    this.scaleX = s.scaleX
    this.scaleY = s.scaleY
    this.data = new Uint8Array(s.width * s.height)
  }

  /**
   * Called with the changed working rectangle after every change (the overlay redraws just that), and with null when
   * only the undo history changed (a stroke ended).
   */
  subscribe(fn: (rect: Rect | null) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private emit(rect: Rect | null): void {
    for (const fn of this.listeners) fn(rect)
  }

  get damagedPixels(): number {
    return this.damaged
  }

  /** Damaged share of the photo, in % (0..100). */
  get areaPercent(): number {
    return (100 * this.damaged) / (this.width * this.height)
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0
  }

  get stroking(): boolean {
    return this.active !== null
  }

  private set(i: number, v: number): void {
    const old = this.data[i]
    if (old === v) return
    this.damaged += (v >= DAMAGED ? 1 : 0) - (old >= DAMAGED ? 1 : 0)
    this.data[i] = v
  }

  /** Starts a stroke with a dab at `p` (photo pixels). Returns the working rectangle it changed, if any. */
  beginStroke(brush: Brush, p: Point): Rect | null {
    if (this.active) this.endStroke()
    if (!(brush.size > 0) || !Number.isFinite(p.x) || !Number.isFinite(p.y)) return null
    this.stroke ??= new Uint8Array(this.width * this.height)
    this.touched = new Touched()
    this.active = { brush, last: p, rect: null }
    return this.segment(p, p)
  }

  /** Continues the stroke to `p`: the whole segment from the last point is painted, so no gap is left. */
  extendStroke(p: Point): Rect | null {
    if (!this.active || !Number.isFinite(p.x) || !Number.isFinite(p.y)) return null
    const from = this.active.last
    this.active.last = p
    return this.segment(from, p)
  }

  /** Ends the stroke and records it for undo (a stroke that changed nothing records nothing). */
  endStroke(): void {
    const a = this.active
    const t = this.touched
    this.active = null
    this.touched = null
    if (!a || !t || !this.stroke) return
    const indices = t.indices.slice(0, t.length)
    const before = t.before.slice(0, t.length)
    const after = new Uint8Array(t.length)
    for (let k = 0; k < t.length; k++) {
      after[k] = this.data[indices[k]]
      this.stroke[indices[k]] = 0
    }
    if (!a.rect) return
    this.record({ indices, before, after, rect: a.rect })
    this.emit(null)
  }

  /** Drops the stroke in progress, restoring every pixel it touched (a second finger turned it into a pinch). */
  cancelStroke(): void {
    const a = this.active
    const t = this.touched
    this.active = null
    this.touched = null
    if (!a || !t || !this.stroke) return
    for (let k = 0; k < t.length; k++) {
      this.set(t.indices[k], t.before[k])
      this.stroke[t.indices[k]] = 0
    }
    if (a.rect) this.emit(a.rect)
  }

  private segment(a: Point, b: Point): Rect | null {
    const act = this.active!
    const stroke = this.stroke!
    const touched = this.touched!
    const { brush } = act
    const sx = this.scaleX
    const sy = this.scaleY
    // Radius in working pixels (the two axis scales differ only by rounding). At least 0.75: a 1 px brush clicked
    // anywhere, even on a pixel corner (0.71 from the nearest centres), marks the pixel(s) under it.
    const r = Math.max(0.75, (brush.size / 2) * ((sx + sy) / 2))
    const ax = a.x * sx
    const ay = a.y * sy
    const bx = b.x * sx
    const by = b.y * sy
    const reach = r + 1
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - reach))
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - reach))
    const x1 = Math.min(this.width, Math.ceil(Math.max(ax, bx) + reach))
    const y1 = Math.min(this.height, Math.ceil(Math.max(ay, by) + reach))
    if (x0 >= x1 || y0 >= y1) return null
    const dx = bx - ax
    const dy = by - ay
    const len2 = dx * dx + dy * dy
    const erase = brush.mode === 'eraser'
    let changed = false
    for (let y = y0; y < y1; y++) {
      const py = y + 0.5
      // Only the row's span inside the swept brush: a long diagonal flick costs its area, not its bounding box's.
      const span = capsuleRow(py, ax, ay, bx, by, reach)
      if (!span) continue
      const xs = Math.max(x0, Math.floor(span[0] - 0.5))
      const xe = Math.min(x1, Math.ceil(span[1] + 0.5))
      for (let x = xs; x < xe; x++) {
        const px = x + 0.5
        // Distance from the pixel centre to the segment a-b.
        let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0
        t = t < 0 ? 0 : t > 1 ? 1 : t
        const ex = px - (ax + t * dx)
        const ey = py - (ay + t * dy)
        const cov = Math.round(255 * brushCoverage(Math.sqrt(ex * ex + ey * ey), r, brush.hardness))
        const i = y * this.width + x
        if (cov <= stroke[i]) continue
        if (stroke[i] === 0) touched.push(i, this.data[i])
        stroke[i] = cov
        // max(base, s) for the brush and min(base, 255 - s) for the eraser are exact step by step, as s only grows.
        const old = this.data[i]
        const next = erase ? Math.min(old, 255 - cov) : Math.max(old, cov)
        if (next !== old) {
          this.set(i, next)
          changed = true
        }
      }
    }
    if (!changed) return null
    const rect = { x0, y0, x1, y1 }
    act.rect = unionRect(act.rect, rect)
    this.emit(rect)
    return rect
  }

  private record(c: Change): void {
    this.undoStack.push(c)
    this.redoStack = []
    let bytes = 0
    for (const u of this.undoStack) bytes += u.indices.length * 9
    while (this.undoStack.length > 1 && (bytes > UNDO_BYTES || this.undoStack.length > UNDO_STEPS)) {
      bytes -= this.undoStack.shift()!.indices.length * 9
    }
  }

  private applyValues(c: Change, values: Uint8Array): void {
    for (let k = 0; k < c.indices.length; k++) this.set(c.indices[k], values[k])
    this.emit(c.rect)
  }

  /** Undoes the last stroke / clear / replace; false when there is nothing to undo. */
  undo(): boolean {
    if (this.active) this.endStroke()
    const c = this.undoStack.pop()
    if (!c) return false
    this.applyValues(c, c.before)
    this.redoStack.push(c)
    return true
  }

  redo(): boolean {
    if (this.active) this.endStroke()
    const c = this.redoStack.pop()
    if (!c) return false
    this.applyValues(c, c.after)
    this.undoStack.push(c)
    return true
  }

  /** Replaces the whole mask with `next` (working size), as one undoable step. */
  replace(next: Uint8Array): void {
    if (next.length !== this.data.length) {
      throw new RangeError(`mask of ${next.length} pixels for a ${this.width}x${this.height} working raster`)
    }
    if (this.active) this.endStroke()
    const idx: number[] = []
    let rect: Rect | null = null
    for (let i = 0; i < next.length; i++) {
      if (next[i] === this.data[i]) continue
      idx.push(i)
      const x = i % this.width
      const y = (i - x) / this.width
      rect = unionRect(rect, { x0: x, y0: y, x1: x + 1, y1: y + 1 })
    }
    if (!rect) return
    const indices = Uint32Array.from(idx)
    const before = new Uint8Array(indices.length)
    const after = new Uint8Array(indices.length)
    for (let k = 0; k < indices.length; k++) {
      before[k] = this.data[indices[k]]
      after[k] = next[indices[k]]
    }
    const c = { indices, before, after, rect }
    this.applyValues(c, after)
    this.record(c)
  }

  clear(): void {
    this.replace(new Uint8Array(this.data.length))
  }

  /** Loads a photo-size mask (non-zero = damaged, the CLI's --mask convention) as one undoable step. */
  load(grey: Uint8Array, photoW: number, photoH: number): void {
    this.replace(maskToWorking(grey, photoW, photoH, this))
  }

  /** The mask at the photo's size, 255 = damaged, 0 = not: what repair and `--save-mask` take. */
  toPhotoMask(): Uint8Array {
    return workingToPhotoMask(this.data, this, this.photoWidth, this.photoHeight)
  }
}

/** The working pixel a photo pixel falls in (one mapping, used both ways, so a round trip never loses damage). */
const cell = (v: number, scale: number, n: number): number => Math.min(n - 1, Math.floor(v * scale))

/**
 * A photo-size mask (non-zero = damaged) brought to the working size: a working pixel is damaged when any photo
 * pixel in it is, so a one-pixel scratch survives the downscale.
 */
export function maskToWorking(grey: Uint8Array, photoW: number, photoH: number, size: WorkingSize): Uint8Array {
  if (grey.length !== photoW * photoH) {
    throw new RangeError(`a ${photoW}x${photoH} mask needs ${photoW * photoH} bytes, not ${grey.length}`)
  }
  const out = new Uint8Array(size.width * size.height)
  const cx = new Uint32Array(photoW)
  for (let x = 0; x < photoW; x++) cx[x] = cell(x, size.scaleX, size.width)
  for (let y = 0; y < photoH; y++) {
    const row = cell(y, size.scaleY, size.height) * size.width
    const src = y * photoW
    for (let x = 0; x < photoW; x++) if (grey[src + x] !== 0) out[row + cx[x]] = 255
  }
  return out
}

/** Working coverage to a photo-size binary mask (255 where the covering working pixel is damaged). */
export function workingToPhotoMask(data: Uint8Array, size: WorkingSize, photoW: number, photoH: number): Uint8Array {
  const out = new Uint8Array(photoW * photoH)
  const cx = new Uint32Array(photoW)
  for (let x = 0; x < photoW; x++) cx[x] = cell(x, size.scaleX, size.width)
  for (let y = 0; y < photoH; y++) {
    const row = cell(y, size.scaleY, size.height) * size.width
    const dst = y * photoW
    for (let x = 0; x < photoW; x++) out[dst + x] = data[row + cx[x]] >= DAMAGED ? 255 : 0
  }
  return out
}

export interface OverlayColour {
  r: number
  g: number
  b: number
  /** Alpha (0..255) of damaged pixels. */
  alpha: number
  /** Alpha of painted pixels still under DAMAGED (a soft brush's fringe), scaled by their coverage. */
  fringeAlpha: number
}

export const DEFAULT_TINT: OverlayColour = { r: 230, g: 40, b: 40, alpha: 140, fringeAlpha: 70 }

/**
 * RGBA of the working rectangle `rect` of the mask, for putImageData: damaged pixels in the tint at `alpha`, a soft
 * fringe fainter, the rest transparent. `out` has rect width * height * 4 bytes.
 */
export function renderOverlay(
  data: Uint8Array,
  width: number,
  rect: Rect,
  out: Uint8ClampedArray,
  tint: OverlayColour = DEFAULT_TINT
): void {
  const w = rect.x1 - rect.x0
  let o = 0
  for (let y = rect.y0; y < rect.y1; y++) {
    let i = y * width + rect.x0
    for (let x = 0; x < w; x++, i++, o += 4) {
      const v = data[i]
      out[o] = tint.r
      out[o + 1] = tint.g
      out[o + 2] = tint.b
      out[o + 3] = v >= DAMAGED ? tint.alpha : v === 0 ? 0 : Math.max(1, Math.round((tint.fringeAlpha * v) / DAMAGED))
    }
  }
}
