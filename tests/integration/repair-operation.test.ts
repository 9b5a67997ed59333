import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppRuntime } from '../../src/main/app-services'
import { createEngine, type Engine } from '../../src/main/core/engine'
import { decodePhoto } from '../../src/main/core/image/decode'
import type { DecodedPhoto, RgbImage } from '../../src/main/core/image/types'
import { loadManifest } from '../../src/main/core/models/manifest'
import { ModelStore } from '../../src/main/core/models/store'
import { toAppError } from '../../src/main/core/errors'
import { getOperation } from '../../src/main/core/operations'
import { detectOnBase, repairMaskAtCursor, repairParams } from '../../src/main/core/operations/repair'
import { EditSession } from '../../src/main/core/pipeline/edit-session'
import type { FaceOperation } from '../../src/main/core/pipeline/face-operation'
import { detectDamage, encodeMaskPng, readMask, type DamageMask } from '../../src/main/core/stages/repair'
import { friendlyMessage } from '../../src/renderer/src/api/client'
import type { Face } from '../../src/shared/faces'
import type { InvokeChannel, RequestOf, ResponseOf } from '../../src/shared/ipc/channels'
import { lamaStandIn } from '../fixtures/lama-graphs'
import { dropToken, ipcCall, ipcRaw, testAppRuntime } from '../helpers/app-runtime'
import { scriptedDialogs } from '../helpers/host-doubles'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

const CRACKED = 'old_scratched_woman_496x624.png'
const TWO_FACES = 'old_scratched_two_faces_400x256.png'

/** A mask of the photo's size: 255 inside `inside(x, y)`. */
function maskOf(w: number, h: number, inside: (x: number, y: number) => boolean): DamageMask {
  const data = new Uint8Array(w * h)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = inside(x, y) ? 255 : 0
  return { width: w, height: h, data }
}

const count = (m: DamageMask): number => m.data.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0)

/** Pixels (any channel) that differ between two images, inside / outside a mask. */
function changed(a: RgbImage, b: RgbImage, mask: DamageMask): { inside: number; outside: number } {
  let inside = 0
  let outside = 0
  for (let i = 0; i < a.width * a.height; i++) {
    const diff =
      a.data[i * 3] !== b.data[i * 3] ||
      a.data[i * 3 + 1] !== b.data[i * 3 + 1] ||
      a.data[i * 3 + 2] !== b.data[i * 3 + 2]
    if (!diff) continue
    if (mask.data[i] !== 0) inside++
    else outside++
  }
  return { inside, outside }
}

const sameImage = (a: RgbImage, b: RgbImage): boolean =>
  a.width === b.width && a.height === b.height && Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0

/** Fills each face box with one grey: a stand-in per-face edit (a restorer's layer). */
const flatFaces: FaceOperation = {
  op: 'restore',
  model: 'flat-standin',
  params: {},
  runFace(_img, f) {
    const [x, y] = [Math.round(f.box[0]), Math.round(f.box[1])]
    const [w, h] = [Math.round(f.box[2]), Math.round(f.box[3])]
    const crop: RgbImage = { width: w, height: h, data: new Uint8Array(w * h * 3).fill(128) }
    return Promise.resolve({ crop, affine: [1, 0, -x, 0, 1, -y], timings: {} })
  }
}

const repair = getOperation('repair')
if (!repair.apply) throw new Error('repair is a session edit')
const apply = repair.apply.bind(repair)

describe('repair operation: params and models', () => {
  it('is a per-photo registry operation with a strict schema; lama needs its model, classic none', () => {
    expect(repair.kind).toBe('photo')
    const png = new Uint8Array([137, 80, 78, 71])
    expect(repairParams.safeParse({ method: 'classic', mask: 'auto', sensitivity: 0.5 }).success).toBe(true)
    expect(repairParams.safeParse({ method: 'lama', mask: png, sensitivity: 0, force: true }).success).toBe(true)
    for (const bad of [
      { method: 'telea', mask: 'auto', sensitivity: 0.5 },
      { method: 'classic', mask: 'mask.png', sensitivity: 0.5 },
      { method: 'classic', mask: [1, 2, 3], sensitivity: 0.5 },
      { method: 'classic', mask: new Uint8Array(0), sensitivity: 0.5 },
      { method: 'classic', mask: 'auto', sensitivity: 1.5 },
      { method: 'classic', mask: 'auto', sensitivity: 0.5, maskFile: '/etc/passwd' }
    ])
      expect(repairParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
    const engine = {} as Engine
    expect(repair.models(engine, { method: 'lama', mask: 'auto', sensitivity: 0.5 })).toEqual(['lama-2025jan'])
    expect(repair.models(engine, { method: 'classic', mask: 'auto', sensitivity: 0.5 })).toEqual([])
  })
})

describeShared('repair operation on an edit session (real cracked photos, classic OpenCV and a LaMa stand-in)', () => {
  let dir: string
  let engine: Engine
  let photo: DecodedPhoto

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-repair-op-'))
    // A store whose manifest vouches for the LaMa stand-in under the real id (the published file is 92 MB).
    const lama = lamaStandIn()
    const file = join(dir, 'lama-standin.onnx')
    writeFileSync(file, lama)
    const { createHash } = await import('node:crypto')
    const manifest = structuredClone(loadManifest())
    const entry = manifest.models.find((m) => m.id === 'lama-2025jan')!
    entry.sha256 = createHash('sha256').update(lama).digest('hex')
    entry.size = lama.byteLength
    const store = new ModelStore({ dir: join(dir, 'models'), manifest })
    await store.importFile('lama-2025jan', file)
    engine = createEngine({ store, provider: 'cpu' })
    photo = await decodePhoto(photoPath(CRACKED))
  }, 60_000)

  afterAll(async () => {
    await engine?.dispose()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('a painted mask: one history step that keeps the mask; only masked pixels change; undo/redo; provenance without bytes', async () => {
    const { width: w, height: h } = photo.image
    const s = new EditSession(photo)
    const mask = maskOf(w, h, (x, y) => Math.abs(y - (300 + (x - 40) * 0.07)) < 3 && x > 40 && x < 450)
    const png = await encodeMaskPng(mask)
    await apply(engine, s, { method: 'classic', mask: png, sensitivity: 0.5 }, {})
    const { steps, current } = s.steps()
    expect(current).toBe(1)
    const step = steps[1]
    expect(step.op).toBe('repair')
    expect(step.params.mask).toBe(png) // the very bytes sent, kept in the step
    const pct = Math.round((10000 * count(mask)) / (w * h)) / 100
    expect(step.params).toMatchObject({ method: 'classic', maskSource: 'painted', sensitivity: 0.5, areaPercent: pct })
    expect(repair.label(step)).toBe(`Repair ${pct.toFixed(1)} % (classic)`)
    const diff = changed(photo.image, s.base, mask)
    expect(diff.outside).toBe(0)
    expect(diff.inside).toBeGreaterThan(count(mask) * 0.5)
    expect(s.photoLayers.map((p) => [p.op, p.model])).toEqual([['repair', 'opencv-telea']])
    // Provenance: the masked area and the method, never the PNG bytes.
    const prov = s.provenance().operations
    expect(prov).toEqual([
      { op: 'repair', model: 'opencv-telea', params: { method: 'classic', mask: 'painted', areaPercent: pct } }
    ])
    expect(repairMaskAtCursor(s)?.mask).toBe(png)

    const repaired = s.compose()
    expect(s.undo()).toBe(true)
    expect(sameImage(s.compose(), photo.image)).toBe(true)
    expect(repairMaskAtCursor(s)).toBeNull()
    expect(s.redo()).toBe(true)
    expect(sameImage(s.compose(), repaired)).toBe(true)
    expect(repairMaskAtCursor(s)?.mask).toBe(png)
  })

  it("'auto' detects on the current base with the session's faces; a second detection sees the first repair", async () => {
    const two = await decodePhoto(photoPath(TWO_FACES))
    const faces: Face[] = [
      // Two face boxes with landmarks over the faces: the stricter face rule applies inside them.
      {
        box: [60, 50, 80, 100],
        score: 0.9,
        landmarks: [
          [85, 90],
          [115, 90],
          [100, 110],
          [88, 125],
          [112, 125]
        ]
      },
      {
        box: [250, 40, 80, 100],
        score: 0.9,
        landmarks: [
          [275, 80],
          [305, 80],
          [290, 100],
          [278, 115],
          [302, 115]
        ]
      }
    ]
    const s = new EditSession(two, faces)
    const expected = await detectDamage(two.image, faces, { sensitivity: 0.6 })
    const withoutFaces = await detectDamage(two.image, [], { sensitivity: 0.6 })
    expect(expected.areaPercent).toBeGreaterThan(0)
    const first = await detectOnBase(s, 0.6)
    expect([first.width, first.height]).toEqual([two.image.width, two.image.height])
    expect(first.areaPercent).toBeCloseTo(expected.areaPercent, 6)
    expect(first.regions.length).toBe(expected.regions.length)

    await apply(engine, s, { method: 'classic', mask: 'auto', sensitivity: 0.6 }, {})
    const step = s.steps().steps[1]
    expect(step.params).toMatchObject({ maskSource: 'auto', regions: expected.regions.length })
    // The step keeps the mask it detected: exactly the detection with the faces, not the one without.
    const kept = await readMask(step.params.mask as Uint8Array, two.image)
    expect(Buffer.compare(Buffer.from(kept.data), Buffer.from(expected.mask.data))).toBe(0)
    // The stricter face rule mattered here: without the faces far more is taken (measured 6.3 % vs 3.5 %).
    expect(count(withoutFaces.mask)).toBeGreaterThan(count(expected.mask) * 1.3)
    expect(changed(two.image, s.base, expected.mask).outside).toBe(0)
    expect(s.provenance().operations[0]).toEqual({
      op: 'repair',
      model: 'opencv-telea',
      params: {
        method: 'classic',
        mask: 'auto',
        areaPercent: Math.round(expected.areaPercent * 100) / 100,
        sensitivity: 0.6,
        regions: expected.regions.length
      }
    })

    // Detection again runs on the repaired base: most of what was found is gone.
    const second = await detectOnBase(s, 0.6)
    expect(second.areaPercent).toBeLessThan(first.areaPercent * 0.6)
  })

  it('bad masks: another size, all black, more than 60 % (unless forced) are refused plainly, nothing changes', async () => {
    const { width: w, height: h } = photo.image
    const s = new EditSession(photo)
    const small = await encodeMaskPng(maskOf(w - 1, h, () => true))
    await expect(apply(engine, s, { method: 'classic', mask: small, sensitivity: 0.5 }, {})).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      reason: 'mask-size',
      fields: { maskWidth: w - 1, maskHeight: h, width: w, height: h }
    })
    // A small PNG standing for a huge mask of another size is refused from its header, before any decoding.
    const huge = Uint8Array.from(
      await sharp({ create: { width: 8000, height: 8000, channels: 3, background: { r: 0, g: 0, b: 0 } } })
        .png({ compressionLevel: 9 })
        .toBuffer()
    )
    const cpu0 = process.cpuUsage()
    await expect(apply(engine, s, { method: 'classic', mask: huge, sensitivity: 0.5 }, {})).rejects.toMatchObject({
      reason: 'mask-size',
      fields: { maskWidth: 8000, maskHeight: 8000 }
    })
    const cpu = process.cpuUsage(cpu0)
    // Decoding 64 MP would take far more than this (measured: ~1 ms for the header).
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(150)
    const black = await encodeMaskPng(maskOf(w, h, () => false))
    await expect(apply(engine, s, { method: 'classic', mask: black, sensitivity: 0.5 }, {})).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      reason: 'nothing-to-repair',
      message: expect.stringMatching(/^Nothing to repair: the mask is empty.*not changed/)
    })
    const big = await encodeMaskPng(maskOf(w, h, (_x, y) => y < h * 0.7))
    await expect(apply(engine, s, { method: 'classic', mask: big, sensitivity: 0.5 }, {})).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      reason: 'mask-too-large',
      fields: { percent: 70 }
    })
    await expect(
      apply(engine, s, { method: 'classic', mask: new Uint8Array([1, 2, 3, 4]), sensitivity: 0.5 }, {})
    ).rejects.toMatchObject({ code: 'DECODE_FAILED' })
    // The app words each reason itself (the banner shows no raw message), without CLI flags.
    const words = async (mask: Uint8Array): Promise<string> =>
      friendlyMessage(
        toAppError(await apply(engine, s, { method: 'classic', mask, sensitivity: 0.5 }, {}).catch((e: unknown) => e))
      )
    expect(await words(small)).toBe(
      `The mask is ${w - 1} × ${h} but the photo is ${w} × ${h}: a mask must have the photo's size.`
    )
    expect(await words(black)).toBe('Nothing to repair: the mask is empty. The photo was not changed.')
    expect(await words(big)).toMatch(/^The mask covers 70 % of the photo: more than 60 % is not damage to repair/)
    // None of them left a step or touched the photo.
    expect(s.steps().steps.length).toBe(1)
    expect(s.base).toBe(photo.image)
    // Forced, the large mask is repaired (the user said so).
    await apply(engine, s, { method: 'classic', mask: big, sensitivity: 0.5, force: true }, {})
    expect(s.steps().steps[1].params).toMatchObject({
      force: true,
      areaPercent: Math.round((10000 * Math.ceil(h * 0.7)) / h) / 100
    })
  }, 60_000)

  it('lama: the model id in the layer and provenance; the stand-in fills inside the mask, far pixels stay', async () => {
    const { width: w, height: h } = photo.image
    const s = new EditSession(photo)
    const mask = maskOf(w, h, (x, y) => x >= 200 && x < 260 && y >= 400 && y < 406)
    await apply(engine, s, { method: 'lama', mask: await encodeMaskPng(mask), sensitivity: 0.5 }, {})
    expect(s.photoLayers.map((p) => p.model)).toEqual(['lama-2025jan'])
    expect(repair.label(s.steps().steps[1])).toMatch(/^Repair < 0\.1 % \(lama\)$|^Repair 0\.\d % \(lama\)$/)
    const far = maskOf(w, h, (x, y) => !(x >= 160 && x < 300 && y >= 360 && y < 446))
    expect(changed(photo.image, s.base, mask).inside).toBeGreaterThan(count(mask) * 0.5)
    // Outside a 40 px margin around the hole every pixel is the photo's own.
    let farChanged = 0
    for (let i = 0; i < w * h; i++)
      if (far.data[i] && [0, 1, 2].some((c) => s.base.data[i * 3 + c] !== photo.image.data[i * 3 + c])) farChanged++
    expect(farChanged).toBe(0)
  }, 120_000)

  it('recipe order: a repair after face edits re-bases the photo; the faces are pasted over the repaired base', async () => {
    const two = await decodePhoto(photoPath(TWO_FACES))
    const { width: w, height: h } = two.image
    const faces: Face[] = [
      {
        box: [60, 50, 80, 100],
        score: 0.9,
        landmarks: [
          [85, 90],
          [115, 90],
          [100, 110],
          [88, 125],
          [112, 125]
        ]
      }
    ]
    // A scratch across the whole photo, through the face.
    const mask = maskOf(w, h, (_x, y) => y >= 120 && y < 123)
    const s = new EditSession(two, faces)
    await s.applyOperation(flatFaces, { strength: 1, mask: 'feather' })
    await apply(engine, s, { method: 'classic', mask: await encodeMaskPng(mask), sensitivity: 0.5 }, {})
    const labels = s.steps().steps.map((st) => (st.op === 'repair' ? repair.label(st) : st.op))
    expect(labels).toEqual([
      'open',
      'restore',
      `Repair ${((100 * count(mask)) / (w * h)).toFixed(1)} % (classic), under the face edits`
    ])
    // The face layer is still there, on top of the repaired base.
    expect(s.layers.map((l) => l.op)).toEqual(['restore'])
    expect(s.provenance().operations.map((o) => o.op)).toEqual(['repair', 'restore'])

    // The same face edit applied AFTER the repair (the recipe's order) composes to the very same photo.
    const recipe = new EditSession(two, faces)
    await apply(engine, recipe, { method: 'classic', mask: await encodeMaskPng(mask), sensitivity: 0.5 }, {})
    await recipe.applyOperation(flatFaces, { strength: 1, mask: 'feather' })
    expect(sameImage(s.compose(), recipe.compose())).toBe(true)
    // Outside the face the scratch is repaired; inside the face core the face layer covers it.
    const out = s.compose()
    const at = (x: number, y: number): number[] => [0, 1, 2].map((c) => out.data[(y * w + x) * 3 + c])
    expect(at(300, 121)).toEqual([0, 1, 2].map((c) => s.base.data[(121 * w + 300) * 3 + c]))
    expect(at(100, 100)).toEqual([128, 128, 128])
    expect(changed(two.image, s.base, mask).inside).toBeGreaterThan(0)
    // Undo takes the repair away and leaves the face layer on the original.
    s.undo()
    expect(s.photoLayers.length).toBe(0)
    expect(s.layers.length).toBe(1)
  })
})

describeShared('repair through IPC and the worker: detectDamage, applyOperation repair, repairMask, export', () => {
  let dir: string
  let runtime: AppRuntime
  const saves: (string | null)[] = []

  const call = <C extends InvokeChannel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> =>
    ipcCall(runtime, channel, payload)

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-repair-ipc-'))
    const modelsDir = join(dir, 'models')
    await storeWithDetector(modelsDir)
    runtime = testAppRuntime({ dir, modelsDir, dialogs: scriptedDialogs([], saves) })
  }, 60_000)

  afterAll(async () => {
    await runtime?.dispose()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('detect -> repair (mask kept in history, not on the wire) -> repairMask -> undo -> export names the repair', async () => {
    const opened = await call('openDroppedPhoto', { token: await dropToken(runtime, photoPath(CRACKED)) })
    const { photoId, width, height } = opened
    const faces = await call('detectFaces', { photoId })
    expect(faces.faces.length).toBe(1)
    const found = await call('detectDamage', { photoId, sensitivity: 0.7 })
    expect(found.mask).toBeInstanceOf(Uint8Array)
    expect([found.width, found.height]).toEqual([width, height])
    const decoded = await readMask(found.mask, { width, height })
    const core = await detectDamage((await decodePhoto(photoPath(CRACKED))).image, faces.faces, { sensitivity: 0.7 })
    expect(Buffer.compare(Buffer.from(decoded.data), Buffer.from(core.mask.data))).toBe(0)
    expect(found.areaPercent).toBeCloseTo(core.areaPercent, 6)
    expect(found.regions.length).toBe(core.regions.length)

    const state = await call('applyOperation', {
      photoId,
      jobId: 'jrepair01',
      op: 'repair',
      params: { method: 'classic', mask: found.mask, sensitivity: 0.7 }
    })
    const last = state.history.at(-1)!
    expect(last.op).toBe('repair')
    expect(last.label).toMatch(/^Repair \d+\.\d % \(classic\)$/)
    // The bytes stay in the worker's history; the state says how many there are.
    expect(last.params.mask).toEqual({ bytes: found.mask.byteLength })
    expect(state.photoLayers).toEqual([
      {
        id: expect.any(String),
        op: 'repair',
        model: 'opencv-telea',
        params: { method: 'classic', mask: 'painted', areaPercent: Math.round(core.areaPercent * 100) / 100 }
      }
    ])
    const kept = await call('repairMask', { photoId })
    expect(kept && Buffer.compare(Buffer.from(kept.mask), Buffer.from(found.mask))).toBe(0)
    expect([kept?.width, kept?.height]).toEqual([width, height])

    const out = join(dir, 'repaired.png')
    saves.push(out)
    await call('exportPhoto', {
      photoId,
      format: 'png',
      quality: 90,
      scale: 1,
      keepMetadata: true,
      provenance: true,
      beforeAfterSheet: false
    })
    const xmp = (await sharp(out).metadata()).xmp?.toString('utf8') ?? ''
    expect(xmp).toMatch(/repair \(model opencv-telea; method=classic, mask=painted, areaPercent=/)
    expect(readFileSync(out).byteLength).toBeGreaterThan(1000)

    const undone = await call('undo', { photoId })
    expect(undone.photoLayers).toEqual([])
    expect(await call('repairMask', { photoId })).toBeNull()

    // Refusals cross IPC with their reason; the photo is untouched.
    const black = await encodeMaskPng({ width, height, data: new Uint8Array(width * height) })
    const none = await ipcRaw(runtime, 'applyOperation', {
      photoId,
      jobId: 'jrepair02',
      op: 'repair',
      params: { method: 'classic', mask: black, sensitivity: 0.5 }
    })
    expect(none).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', reason: 'nothing-to-repair' } })
    const bad = await ipcRaw(runtime, 'applyOperation', {
      photoId,
      jobId: 'jrepair03',
      op: 'repair',
      params: { method: 'classic', mask: 'auto', sensitivity: 0.5, faces: [0] }
    })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    const lama = await ipcRaw(runtime, 'applyOperation', {
      photoId,
      jobId: 'jrepair04',
      op: 'repair',
      params: { method: 'lama', mask: found.mask, sensitivity: 0.5 }
    })
    expect(lama).toMatchObject({ ok: false, error: { code: 'MODEL_MISSING', modelIds: ['lama-2025jan'] } })
    expect((await call('getEditState', { photoId })).photoLayers).toEqual([])
  }, 120_000)
})
