import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest'
import {
  type DamageKind,
  readMask,
  REPAIR_METHODS,
  type RepairMethod as CoreRepairMethod,
  writeMaskPng
} from '../../src/main/core/stages/repair'
import type { DamageRegionInfo, RepairMethod } from '../../src/renderer/src/api/repair-api'
import {
  BRUSH_MAX,
  BRUSH_MIN,
  brushCoverage,
  capsuleRow,
  DAMAGED,
  DEFAULT_TINT,
  type Brush,
  MaskEditor,
  maskToWorking,
  renderOverlay,
  stepBrushSize,
  workingSize,
  workingToPhotoMask
} from '../../src/renderer/src/canvas/mask-paint'
import { decodeMaskPng, encodeMaskPng } from '../../src/renderer/src/canvas/mask-png'

const hard = (size: number): Brush => ({ mode: 'brush', size, hardness: 1 })
const damagedIn = (m: MaskEditor): number => m.data.reduce((n, v) => n + (v >= DAMAGED ? 1 : 0), 0)
const at = (m: MaskEditor, x: number, y: number): number => m.data[y * m.width + x]

describe('brush coverage', () => {
  it('a hard brush is a disc with a one-pixel anti-aliased rim centred on the radius', () => {
    expect(brushCoverage(0, 10, 1)).toBe(1)
    expect(brushCoverage(9.5, 10, 1)).toBe(1)
    expect(brushCoverage(10, 10, 1)).toBeCloseTo(0.5)
    expect(brushCoverage(10.5, 10, 1)).toBe(0)
  })

  it('a soft brush falls off smoothly and monotonically from the centre to the rim', () => {
    let prev = 2
    for (let d = 0; d <= 10; d += 0.25) {
      const c = brushCoverage(d, 10, 0)
      expect(c).toBeLessThanOrEqual(prev)
      prev = c
    }
    expect(brushCoverage(0, 10, 0)).toBe(1)
    expect(brushCoverage(5, 10, 0)).toBeCloseTo(0.5)
    expect(brushCoverage(10, 10, 0)).toBe(0)
    // Half hardness: solid to half the radius, then the band.
    expect(brushCoverage(5, 10, 0.5)).toBe(1)
    expect(brushCoverage(7.5, 10, 0.5)).toBeCloseTo(0.5)
    expect(brushCoverage(9.9, 10, 0.5)).toBeLessThan(0.01)
  })
})

describe('swept brush rows', () => {
  it('the row span holds every point within reach of the segment and nothing far outside it', () => {
    let seed = 7
    const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 100
    const segs: number[][] = [
      [10, 10, 10, 10], // a dab
      [5, 50, 95, 50], // horizontal
      [50, 5, 50, 95], // vertical
      [3, 90, 97, 7]
    ]
    for (let k = 0; k < 40; k++) segs.push([rnd(), rnd(), rnd(), rnd()])
    let inside = 0
    let missed = 0
    let extra = 0
    for (const [ax, ay, bx, by] of segs) {
      const reach = 1 + rnd() / 8
      const dx = bx - ax
      const dy = by - ay
      const len2 = dx * dx + dy * dy
      const dist = (x: number, y: number): number => {
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0
        return Math.hypot(x - ax - t * dx, y - ay - t * dy)
      }
      for (let y = -15; y < 115; y += 0.5) {
        const span = capsuleRow(y, ax, ay, bx, by, reach)
        for (let x = -15; x < 115; x += 0.5) {
          const d = dist(x, y)
          if (d <= reach - 1e-9) {
            inside++
            if (!span || x < span[0] - 1e-6 || x > span[1] + 1e-6) missed++
          } else if (span && x >= span[0] + 1e-6 && x <= span[1] - 1e-6 && d > reach + 1e-6) {
            // Inside the span means inside the capsule: it is convex, so the span is exact.
            extra++
          }
        }
      }
    }
    expect(inside).toBeGreaterThan(10_000)
    expect(missed).toBe(0)
    expect(extra).toBe(0)
  })
})

describe('mask editor strokes', () => {
  it('a hard dab covers a disc of the brush size (area and edges)', () => {
    const m = new MaskEditor(100, 100)
    m.beginStroke(hard(20), { x: 50, y: 50 })
    m.endStroke()
    const n = damagedIn(m)
    expect(m.damagedPixels).toBe(n)
    expect(Math.abs(n - Math.PI * 100) / (Math.PI * 100)).toBeLessThan(0.03)
    expect(m.areaPercent).toBeCloseTo((100 * n) / 10_000, 10)
    for (let y = 0; y < 100; y++) {
      for (let x = 0; x < 100; x++) {
        const d = Math.hypot(x + 0.5 - 50, y + 0.5 - 50)
        if (d <= 9) expect(at(m, x, y)).toBe(255)
        if (d >= 11) expect(at(m, x, y)).toBe(0)
      }
    }
  })

  it('a 1 px brush marks the pixel under it wherever it is clicked, and no more than its neighbours at a corner', () => {
    for (const [x, y, n] of [
      [10.5, 10.5, 1],
      [10.2, 10.9, 2],
      [10, 10, 4],
      [10.01, 10.99, 4]
    ]) {
      const m = new MaskEditor(20, 20)
      m.beginStroke({ mode: 'brush', size: 1, hardness: 1 }, { x, y })
      m.endStroke()
      expect(m.damagedPixels).toBeGreaterThanOrEqual(1)
      expect(m.damagedPixels).toBeLessThanOrEqual(n)
      expect(at(m, Math.min(19, Math.floor(x)), Math.floor(y))).toBeGreaterThan(0)
    }
  })

  it('hardness moves the damaged edge inward and leaves a fainter fringe to the rim', () => {
    const soft = new MaskEditor(100, 100)
    soft.beginStroke({ mode: 'brush', size: 40, hardness: 0 }, { x: 50, y: 50 })
    soft.endStroke()
    // Along a ray from the centre coverage never rises, and it reaches zero at the rim.
    let prev = 256
    for (let x = 50; x < 72; x++) {
      expect(at(soft, x, 50)).toBeLessThanOrEqual(prev)
      prev = at(soft, x, 50)
    }
    expect(at(soft, 50, 50)).toBeGreaterThan(250)
    expect(at(soft, 60, 50)).toBeGreaterThan(0)
    expect(at(soft, 60, 50)).toBeLessThan(255)
    expect(at(soft, 71, 50)).toBe(0)
    // Damaged where coverage >= 50 %: for hardness 0 that is half the radius.
    expect(Math.abs(soft.damagedPixels - Math.PI * 100) / (Math.PI * 100)).toBeLessThan(0.05)
    const half = new MaskEditor(100, 100)
    half.beginStroke({ mode: 'brush', size: 40, hardness: 0.5 }, { x: 50, y: 50 })
    half.endStroke()
    expect(Math.abs(half.damagedPixels - Math.PI * 15 * 15) / (Math.PI * 225)).toBeLessThan(0.05)
  })

  it('a fast stroke (one long segment) leaves no gap, and paints what many short segments paint', () => {
    const fast = new MaskEditor(200, 120)
    fast.beginStroke(hard(3), { x: 5, y: 10 })
    fast.extendStroke({ x: 195, y: 110 })
    fast.endStroke()
    // Every pixel the line's centre passes through is damaged: no gap anywhere along it.
    for (let t = 0; t <= 1; t += 0.001) {
      const x = Math.floor(5 + 190 * t)
      const y = Math.floor(10 + 100 * t)
      expect(at(fast, x, y)).toBeGreaterThanOrEqual(DAMAGED)
    }
    const slow = new MaskEditor(200, 120)
    slow.beginStroke(hard(3), { x: 5, y: 10 })
    for (let k = 1; k <= 37; k++) slow.extendStroke({ x: 5 + (190 * k) / 37, y: 10 + (100 * k) / 37 })
    slow.endStroke()
    let differ = 0
    for (let i = 0; i < fast.data.length; i++) if (Math.abs(fast.data[i] - slow.data[i]) > 1) differ++
    expect(differ).toBe(0)
  })

  it('a stroke crossing itself does not build up; a soft stroke over a damaged pixel never lowers it', () => {
    const m = new MaskEditor(100, 100)
    const soft: Brush = { mode: 'brush', size: 30, hardness: 0 }
    m.beginStroke(soft, { x: 20, y: 50 })
    m.extendStroke({ x: 80, y: 50 })
    const once = m.data.slice()
    m.extendStroke({ x: 20, y: 50 })
    m.extendStroke({ x: 80, y: 50 })
    m.endStroke()
    expect(m.data).toEqual(once)
    const base = new MaskEditor(100, 100)
    base.beginStroke(hard(10), { x: 50, y: 30 })
    base.endStroke()
    const before = base.data.slice()
    base.beginStroke(soft, { x: 50, y: 44 })
    base.endStroke()
    for (let i = 0; i < before.length; i++) expect(base.data[i]).toBeGreaterThanOrEqual(before[i])
  })

  it('the eraser removes what it covers and leaves the rest alone', () => {
    const m = new MaskEditor(120, 80)
    m.load(new Uint8Array(120 * 80).fill(255), 120, 80)
    expect(m.areaPercent).toBe(100)
    m.beginStroke({ mode: 'eraser', size: 10, hardness: 1 }, { x: 20, y: 40 })
    m.extendStroke({ x: 100, y: 40 })
    m.endStroke()
    for (let x = 20; x < 100; x++) for (let y = 36; y <= 43; y++) expect(at(m, x, y)).toBe(0)
    for (let x = 0; x < 120; x++) {
      expect(at(m, x, 30)).toBe(255)
      expect(at(m, x, 50)).toBe(255)
    }
    // A soft eraser lowers coverage gradually: the middle goes, the fringe keeps some.
    const s = new MaskEditor(100, 100)
    s.load(new Uint8Array(100 * 100).fill(255), 100, 100)
    s.beginStroke({ mode: 'eraser', size: 40, hardness: 0 }, { x: 50, y: 50 })
    s.endStroke()
    expect(at(s, 50, 50)).toBeLessThan(5)
    expect(at(s, 62, 50)).toBeGreaterThan(0)
    expect(at(s, 62, 50)).toBeLessThan(255)
    expect(at(s, 75, 50)).toBe(255)
    expect(s.damagedPixels).toBe(damagedIn(s))
  })

  it('undo and redo replay strokes, clear and load exactly', () => {
    const m = new MaskEditor(64, 48)
    const snaps = [m.data.slice()]
    m.beginStroke(hard(8), { x: 10, y: 10 })
    m.extendStroke({ x: 50, y: 30 })
    m.endStroke()
    snaps.push(m.data.slice())
    m.beginStroke({ mode: 'eraser', size: 6, hardness: 0.3 }, { x: 30, y: 0 })
    m.extendStroke({ x: 30, y: 47 })
    m.endStroke()
    snaps.push(m.data.slice())
    m.clear()
    expect(m.damagedPixels).toBe(0)
    expect(m.undo()).toBe(true)
    expect(m.data).toEqual(snaps[2])
    expect(m.undo()).toBe(true)
    expect(m.data).toEqual(snaps[1])
    expect(m.damagedPixels).toBe(damagedIn(m))
    expect(m.undo()).toBe(true)
    expect(m.data).toEqual(snaps[0])
    expect(m.undo()).toBe(false)
    expect(m.redo()).toBe(true)
    expect(m.data).toEqual(snaps[1])
    // A new stroke drops the redo branch.
    m.beginStroke(hard(4), { x: 5, y: 40 })
    m.endStroke()
    expect(m.canRedo).toBe(false)
    // A stroke that changes nothing (outside the photo) records no step.
    const steps = m.canUndo
    m.beginStroke(hard(4), { x: -50, y: -50 })
    m.endStroke()
    m.undo()
    expect(m.data).toEqual(snaps[1])
    expect(steps).toBe(true)
  })

  it('a cancelled stroke leaves the mask and the undo history as they were', () => {
    const m = new MaskEditor(80, 60)
    m.beginStroke(hard(12), { x: 20, y: 20 })
    m.endStroke()
    const before = m.data.slice()
    const area = m.damagedPixels
    m.beginStroke({ mode: 'eraser', size: 30, hardness: 0.5 }, { x: 20, y: 20 })
    m.extendStroke({ x: 70, y: 50 })
    expect(m.damagedPixels).toBeLessThan(area)
    m.cancelStroke()
    expect(m.data).toEqual(before)
    expect(m.damagedPixels).toBe(area)
    expect(m.stroking).toBe(false)
    // The next stroke starts clean (the cancelled one left no stroke coverage behind).
    m.beginStroke(hard(12), { x: 60, y: 40 })
    m.endStroke()
    m.undo()
    expect(m.data).toEqual(before)
    m.undo()
    expect(m.damagedPixels).toBe(0)
  })

  it('tells listeners the rectangle each change touched', () => {
    const m = new MaskEditor(100, 100)
    const rects: ({ x0: number; y0: number; x1: number; y1: number } | null)[] = []
    const off = m.subscribe((r) => rects.push(r))
    m.beginStroke(hard(10), { x: 30, y: 30 })
    expect(rects).toHaveLength(1)
    expect(m.canUndo).toBe(false)
    // Ending the stroke says the history changed (null: no pixels), so undo buttons follow.
    m.endStroke()
    expect(rects).toHaveLength(2)
    expect(rects[1]).toBeNull()
    expect(m.canUndo).toBe(true)
    const r = rects[0]!
    expect(r.x0).toBeLessThanOrEqual(25)
    expect(r.x1).toBeGreaterThanOrEqual(35)
    expect(r.x1 - r.x0).toBeLessThan(16)
    m.undo()
    expect(rects).toHaveLength(3)
    expect(rects[2]).toEqual(r)
    off()
    m.redo()
    expect(rects).toHaveLength(3)
  })

  it('ignores non-finite points and zero sizes, and refuses a mask of the wrong size', () => {
    const m = new MaskEditor(20, 20)
    expect(m.beginStroke(hard(0), { x: 5, y: 5 })).toBeNull()
    m.beginStroke(hard(4), { x: 5, y: 5 })
    expect(m.extendStroke({ x: Number.NaN, y: 5 })).toBeNull()
    m.endStroke()
    expect(m.damagedPixels).toBeGreaterThan(0)
    expect(() => m.load(new Uint8Array(10), 20, 20)).toThrow(RangeError)
    expect(() => m.replace(new Uint8Array(10))).toThrow(RangeError)
    expect(() => new MaskEditor(0, 10)).toThrow(RangeError)
  })
})

describe('working resolution', () => {
  it('keeps small photos at their own size and scales large ones to the pixel budget', () => {
    expect(workingSize(3000, 2000)).toEqual({ width: 3000, height: 2000, scaleX: 1, scaleY: 1 })
    const w = workingSize(6000, 4000)
    expect(w.width * w.height).toBeLessThanOrEqual(4096 * 4096 * 1.001)
    expect(w.width / w.height).toBeCloseTo(1.5, 2)
  })

  it('brush sizes and points are in photo pixels whatever the working size', () => {
    const m = new MaskEditor(4000, 3000, 1_000_000)
    expect(m.width).toBeLessThan(4000)
    m.beginStroke(hard(400), { x: 2000, y: 1500 })
    m.endStroke()
    const expected = (100 * Math.PI * 200 * 200) / (4000 * 3000)
    expect(Math.abs(m.areaPercent - expected) / expected).toBeLessThan(0.03)
    const photo = m.toPhotoMask()
    expect(photo.length).toBe(4000 * 3000)
    expect(photo[1500 * 4000 + 2000]).toBe(255)
    expect(photo[1500 * 4000 + 2250]).toBe(0)
  })

  it('a one-pixel scratch survives the round trip through a smaller working raster', () => {
    const W = 3001
    const H = 2003
    const grey = new Uint8Array(W * H)
    for (let x = 100; x < 2900; x++) grey[1000 * W + x] = 200
    const size = workingSize(W, H, 500_000)
    const work = maskToWorking(grey, W, H, size)
    const back = workingToPhotoMask(work, size, W, H)
    for (let i = 0; i < grey.length; i++) if (grey[i] !== 0) expect(back[i]).toBe(255)
    // The dilation is at most one working pixel's footprint around the scratch.
    let extra = 0
    for (let i = 0; i < back.length; i++) if (back[i] !== 0 && grey[i] === 0) extra++
    expect(extra).toBeLessThan(2800 * Math.ceil(1 / size.scaleY) * 1.1)
  })
})

describe('overlay pixels', () => {
  it('tints damaged pixels, shows the fringe fainter and leaves the rest transparent', () => {
    const data = Uint8Array.from([0, 40, 127, 0, 128, 255])
    const out = new Uint8ClampedArray(4 * 4)
    renderOverlay(data, 3, { x0: 1, y0: 0, x1: 3, y1: 2 }, out)
    const alphas = [out[3], out[7], out[11], out[15]]
    expect(alphas[0]).toBeGreaterThan(0)
    expect(alphas[0]).toBeLessThan(DEFAULT_TINT.fringeAlpha)
    expect(alphas[1]).toBeLessThanOrEqual(DEFAULT_TINT.fringeAlpha)
    expect(alphas[1]).toBeGreaterThan(alphas[0])
    expect(alphas[2]).toBe(DEFAULT_TINT.alpha)
    expect(alphas[3]).toBe(DEFAULT_TINT.alpha)
    expect([out[0], out[1], out[2]]).toEqual([DEFAULT_TINT.r, DEFAULT_TINT.g, DEFAULT_TINT.b])
    const none = new Uint8ClampedArray(4)
    renderOverlay(data, 3, { x0: 0, y0: 1, x1: 1, y1: 2 }, none)
    expect(none[3]).toBe(0)
  })
})

describe('mask PNG bytes (the CLI and main convention: photo size, non-zero = damaged)', () => {
  const dirs: string[] = []
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })
  const tmp = async (): Promise<string> => {
    const d = await mkdtemp(join(tmpdir(), 'heirloom-maskpng-'))
    dirs.push(d)
    return d
  }

  it('round-trips a painted mask through PNG bytes', () => {
    const m = new MaskEditor(321, 123)
    m.beginStroke({ mode: 'brush', size: 17, hardness: 0.4 }, { x: 10, y: 10 })
    m.extendStroke({ x: 300, y: 100 })
    m.endStroke()
    const photo = m.toPhotoMask()
    const png = encodeMaskPng({ width: 321, height: 123, data: photo })
    expect(Array.from(png.subarray(1, 4), (c) => String.fromCharCode(c)).join('')).toBe('PNG')
    const back = decodeMaskPng(png)
    expect(back.width).toBe(321)
    expect(back.height).toBe(123)
    expect(back.data).toEqual(photo)
    const again = new MaskEditor(321, 123)
    again.load(back.data, back.width, back.height)
    expect(again.damagedPixels).toBe(m.damagedPixels)
  })

  it('main reads the renderer PNG, and the renderer reads main --save-mask PNG, to the same pixels', async () => {
    const dir = await tmp()
    const m = new MaskEditor(97, 61)
    m.beginStroke(hard(9), { x: 5, y: 5 })
    m.extendStroke({ x: 90, y: 55 })
    m.endStroke()
    const photo = m.toPhotoMask()
    const file = join(dir, 'from-renderer.png')
    await writeFile(file, encodeMaskPng({ width: 97, height: 61, data: photo }))
    const read = await readMask(file, { width: 97, height: 61 })
    expect(read.width).toBe(97)
    expect(Buffer.from(read.data).equals(Buffer.from(photo))).toBe(true)
    const saved = join(dir, 'from-main.png')
    await writeMaskPng(saved, { width: 97, height: 61, data: photo }, {})
    const { readFile } = await import('node:fs/promises')
    expect(decodeMaskPng(new Uint8Array(await readFile(saved))).data).toEqual(photo)
  })

  it('reads RGBA, grey+alpha and 1-bit masks: any non-zero colour is damage, alpha is ignored', async () => {
    const w = 9
    const h = 4
    const rgba = Buffer.alloc(w * h * 4)
    rgba[(1 * w + 2) * 4 + 1] = 7 // green only, alpha 0
    rgba[(3 * w + 8) * 4 + 3] = 255 // alpha only: not damage
    const rgbaPng = await sharp(rgba, { raw: { width: w, height: h, channels: 4 } })
      .png()
      .toBuffer()
    const a = decodeMaskPng(new Uint8Array(rgbaPng))
    expect(Array.from(a.data.keys()).filter((i) => a.data[i] !== 0)).toEqual([1 * w + 2])
    const ga = Buffer.alloc(w * h * 2)
    ga[(2 * w + 4) * 2] = 1
    const gaPng = await sharp(ga, { raw: { width: w, height: h, channels: 2 } })
      .png()
      .toBuffer()
    const b = decodeMaskPng(new Uint8Array(gaPng))
    expect(Array.from(b.data.keys()).filter((i) => b.data[i] !== 0)).toEqual([2 * w + 4])
    const grey = Buffer.alloc(w * h)
    grey[0] = 255
    grey[w * h - 1] = 255
    const onebit = await sharp(grey, { raw: { width: w, height: h, channels: 1 } })
      .png({ palette: true, colours: 2 })
      .toBuffer()
    const c = decodeMaskPng(new Uint8Array(onebit))
    expect(Array.from(c.data.keys()).filter((i) => c.data[i] !== 0)).toEqual([0, w * h - 1])
  })

  it('says plainly when the bytes are not a PNG', () => {
    expect(() => decodeMaskPng(new Uint8Array([1, 2, 3, 4]))).toThrow(/not a readable mask PNG/)
    expect(() => encodeMaskPng({ width: 4, height: 4, data: new Uint8Array(3) })).toThrow(RangeError)
  })
})

describe('brush size keys', () => {
  it('[ and ] step by about 15 % (at least a pixel) and stop at 1 and 1000 px', () => {
    expect(stepBrushSize(1, 1)).toBe(2)
    expect(stepBrushSize(2, -1)).toBe(1)
    expect(stepBrushSize(1, -1)).toBe(BRUSH_MIN)
    expect(stepBrushSize(100, 1)).toBe(115)
    expect(stepBrushSize(115, -1)).toBe(100)
    expect(stepBrushSize(990, 1)).toBe(BRUSH_MAX)
    // From 1 px to the largest brush in a few dozen presses, every press a change.
    let size = 1
    let presses = 0
    while (size < BRUSH_MAX) {
      const next = stepBrushSize(size, 1)
      expect(next).toBeGreaterThan(size)
      size = next
      presses++
    }
    expect(presses).toBeLessThan(60)
  })
})

describe('the RepairApi shapes follow the core', () => {
  it('region kinds and methods are the core types (a change there fails the typecheck here)', () => {
    expectTypeOf<DamageRegionInfo['kind']>().toEqualTypeOf<DamageKind>()
    expectTypeOf<RepairMethod>().toEqualTypeOf<CoreRepairMethod>()
    expect([...REPAIR_METHODS].sort()).toEqual(['classic', 'lama'])
  })
})
