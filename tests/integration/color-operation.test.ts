/**
 * The colour operation of the registry through the app's IPC and the pipeline worker: stand-in colourisers with the
 * published contracts (FaceFusion ddcolor: ab at S; deoldify: RGB at S) installed under their manifest ids.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { AppRuntime } from '../../src/main/app-services'
import { createEngine } from '../../src/main/core/engine'
import { decodePhoto } from '../../src/main/core/image/decode'
import { getOperation } from '../../src/main/core/operations'
import { rgbToLab } from '../../src/main/core/stages/color/lab'
import type { EditState } from '../../src/shared/ipc/types'
import type { InvokeChannel, RequestOf, ResponseOf } from '../../src/shared/ipc/channels'
import { ddcolorLike, deoldifyLike } from '../fixtures/color-graphs'
import { negateRestorer } from '../fixtures/model-graphs'
import { dropToken, ipcCall, ipcRaw, testAppRuntime } from '../helpers/app-runtime'
import { scriptedDialogs } from '../helpers/host-doubles'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

let dir: string
let runtime: AppRuntime
const saves: (string | null)[] = []
let job = 0
const call = <C extends InvokeChannel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> =>
  ipcCall(runtime, channel, payload)
const jobId = (): string => `jcolor${String(++job).padStart(3, '0')}`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'heirloom-color-op-'))
  const modelsDir = join(dir, 'models')
  const store = await storeWithDetector(modelsDir)
  // FaceFusion's ddcolor names its output otherwise than our manifest; DDColor's own export calls it `output`.
  writeFileSync(join(dir, 'ddcolor.onnx'), ddcolorLike())
  writeFileSync(join(dir, 'deoldify.onnx'), deoldifyLike())
  writeFileSync(join(dir, 'negate.onnx'), negateRestorer(512))
  await store.importFile('ddcolor', join(dir, 'ddcolor.onnx'))
  await store.importFile('deoldify', join(dir, 'deoldify.onnx'))
  await store.importFile('gfpgan-1.4', join(dir, 'negate.onnx'))
  await sharp(photoPath('astronaut_512.png')).resize(128).toFile(join(dir, 'colour.png'))
  await sharp(photoPath('old_scratched_two_faces_400x256.png')).grayscale().toFile(join(dir, 'faces-gray.png'))
  runtime = testAppRuntime({ dir, modelsDir, dialogs: scriptedDialogs([], saves) })
}, 60_000)

afterAll(async () => {
  await runtime?.dispose()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function open(path: string): Promise<string> {
  return (await call('openDroppedPhoto', { token: await dropToken(runtime, path) })).photoId
}

/** The edited photo at full resolution (the worker's composition, not a preview). */
async function composed(photoId: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  const sessionId = await runtime.services.library.sessionId(photoId)
  return (await runtime.services.worker.call('compose', { sessionId })).image
}

function maxLightnessDiff(a: Uint8Array, b: Uint8Array): number {
  const n = a.length / 3
  const la = rgbToLab(a, n).L
  const lb = rgbToLab(b, n).L
  let max = 0
  for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(la[i] - lb[i]))
  return max
}

/** Mean chroma (sqrt(a^2 + b^2)) of an RGB buffer, or of the pixels inside box [x, y, w, h] of a width-wide image. */
function meanChroma(data: Uint8Array, width?: number, box?: readonly number[]): number {
  const n = data.length / 3
  const lab = rgbToLab(data, n)
  let sum = 0
  let count = 0
  for (let i = 0; i < n; i++) {
    if (box && width) {
      const x = i % width
      const y = Math.floor(i / width)
      if (x < box[0] || y < box[1] || x >= box[0] + box[2] || y >= box[1] + box[3]) continue
    }
    sum += Math.hypot(lab.a[i], lab.b[i])
    count++
  }
  return sum / count
}

const isGray = (d: Uint8Array): boolean => {
  for (let i = 0; i < d.length; i += 3) if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) return false
  return true
}

describeShared('colour operation through IPC + worker', () => {
  it('colourises a gray photo with the ddcolor stand-in (ab at S): same L at full resolution, colour, one undoable step, provenance', async () => {
    const photoId = await open(photoPath('camera_gray8_512.png'))
    const original = await composed(photoId)
    expect(isGray(original.data)).toBe(true)
    const state: EditState = await call('applyOperation', {
      photoId,
      jobId: jobId(),
      op: 'color',
      params: { fade: 'none', colorize: 'ddcolor', renderSize: 192 }
    })
    expect(state.photoLayers.map((p) => [p.op, p.model])).toEqual([['color', 'ddcolor']])
    expect(state.grayscale).toBe(false)
    expect(state.photoLayers[0].params).toMatchObject({
      colorize: 'ddcolor',
      renderSize: 192,
      blend: 1,
      note: expect.stringMatching(/generated by a model/)
    })
    expect(state.history.map((h) => h.label)).toEqual(['Open original', 'Colourise ddcolor (192)'])
    const after = await composed(photoId)
    expect([after.width, after.height]).toEqual([512, 512])
    // Only the chroma is the model's: the lightness is the photo's own at every pixel, within 8-bit rounding.
    const dL = maxLightnessDiff(original.data, after.data)
    console.log(
      `ddcolor stand-in, 512x512 at S=192: max |dL| = ${dL.toFixed(3)}, mean chroma ${meanChroma(after.data).toFixed(1)}`
    )
    expect(dL).toBeLessThan(1)
    expect(meanChroma(after.data)).toBeGreaterThan(5)

    // Exported: colour, and the provenance note says the colours came from a model.
    const out = join(dir, 'camera-colour.png')
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
    const written = readFileSync(out)
    expect(written.includes(Buffer.from('colours generated by a model'))).toBe(true)
    expect((await sharp(out).metadata()).channels).toBe(3)

    // Already in colour now: a second colourise is refused (nothing recorded) unless forced.
    const again = await ipcRaw(runtime, 'applyOperation', {
      photoId,
      jobId: jobId(),
      op: 'color',
      params: { fade: 'none', colorize: 'deoldify' }
    })
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', reason: 'already-colour', message: expect.stringMatching(/already in colour/) }
    })
    expect((await call('getEditState', { photoId })).history.length).toBe(2)

    // Undo brings the gray original back exactly; redo the colour.
    const undone = await call('undo', { photoId })
    expect([undone.photoLayers.length, undone.cursor, undone.grayscale]).toEqual([0, 0, true])
    expect(Buffer.from((await composed(photoId)).data).equals(Buffer.from(original.data))).toBe(true)
    const redone = await call('redo', { photoId })
    expect(redone.photoLayers[0].id).toBe(state.photoLayers[0].id)
    expect(Buffer.from((await composed(photoId)).data).equals(Buffer.from(after.data))).toBe(true)
    await call('closePhoto', { photoId })
  }, 120_000)

  it('deoldify stand-in (RGB at S) with blend 0.5: same L, half the chroma of blend 1', async () => {
    const photoId = await open(photoPath('camera_gray8_512.png'))
    const original = await composed(photoId)
    const half = await call('applyOperation', {
      photoId,
      jobId: jobId(),
      op: 'color',
      params: { fade: 'none', colorize: 'deoldify', renderSize: 256, blend: 0.5 }
    })
    expect(half.history.at(-1)?.label).toBe('Colourise deoldify (256) 50 %')
    const h = await composed(photoId)
    expect(maxLightnessDiff(original.data, h.data)).toBeLessThan(1)
    await call('undo', { photoId })
    await call('applyOperation', {
      photoId,
      jobId: jobId(),
      op: 'color',
      params: { fade: 'none', colorize: 'deoldify', renderSize: 256, blend: 1 }
    })
    const f = await composed(photoId)
    expect(maxLightnessDiff(original.data, f.data)).toBeLessThan(1)
    const ratio = meanChroma(h.data) / meanChroma(f.data)
    console.log(`deoldify stand-in: chroma blend 0.5 / blend 1 = ${ratio.toFixed(3)}`)
    expect(ratio).toBeGreaterThan(0.4)
    expect(ratio).toBeLessThan(0.6)
    await call('closePhoto', { photoId })
  }, 120_000)

  it('fade correction alone keeps a gray photo gray; a colour photo sent to colourise is refused unless forced', async () => {
    const gray = await open(photoPath('camera_gray8_512.png'))
    const faded = await call('applyOperation', {
      photoId: gray,
      jobId: jobId(),
      op: 'color',
      params: { fade: 'auto', strength: 0.8 }
    })
    expect(faded.history.at(-1)?.label).toBe('Colour: fade auto 80 %')
    expect([faded.photoLayers[0].model, faded.grayscale]).toEqual(['none', true])
    expect(isGray((await composed(gray)).data)).toBe(true)
    await call('closePhoto', { photoId: gray })

    const colour = await open(join(dir, 'colour.png'))
    const refused = await ipcRaw(runtime, 'applyOperation', {
      photoId: colour,
      jobId: jobId(),
      op: 'color',
      params: { fade: 'auto', colorize: 'ddcolor' }
    })
    expect(refused).toMatchObject({ ok: false, error: { reason: 'already-colour' } })
    expect((await call('getEditState', { photoId: colour })).history.length).toBe(1)
    const forced = await call('applyOperation', {
      photoId: colour,
      jobId: jobId(),
      op: 'color',
      params: { fade: 'none', colorize: 'ddcolor', force: true }
    })
    expect(forced.photoLayers.length).toBe(1)
    await call('closePhoto', { photoId: colour })
  }, 120_000)

  it('bad params are refused with the field named: a model file from the app, a render size, an unknown model', async () => {
    const photoId = await open(photoPath('camera_gray8_512.png'))
    const cases: [unknown, RegExp][] = [
      [{ fade: 'none', colorizerFile: { file: '/tmp/x.onnx', family: 'ddcolor' } }, /colorizerFile.*by id/],
      [{ fade: 'none', colorize: 'ddcolor', renderSize: 300 }, /renderSize/],
      [{ fade: 'none', colorize: 'ddcolor-xl' }, /colorize/],
      [{ fade: 'auto', blend: 2 }, /blend/],
      [{ fade: 'none' }, /Nothing to do/]
    ]
    for (const [params, message] of cases) {
      const r = await ipcRaw(runtime, 'applyOperation', { photoId, jobId: jobId(), op: 'color', params })
      expect(r, JSON.stringify(params)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message } })
    }
    expect((await call('getEditState', { photoId })).history.length).toBe(1)
    // The models a colour edit needs, from its params alone.
    expect(
      getOperation('color').models(createEngine({ modelsDir: join(dir, 'models'), provider: 'cpu' }), {
        fade: 'auto',
        colorize: 'deoldify'
      })
    ).toEqual(['deoldify'])
    await call('closePhoto', { photoId })
  }, 60_000)

  it('with restored faces: colour first restores the faces again in colour (one step); after restoration colours them as they are', async () => {
    const photoId = await open(join(dir, 'faces-gray.png'))
    const detected = await call('detectFaces', { photoId })
    expect(detected.faces.length).toBe(2)
    const restored = await call('applyOperation', {
      photoId,
      jobId: jobId(),
      op: 'restore',
      faces: [0],
      strength: 1,
      params: { model: 'gfpgan-1.4' }
    })
    const [fx, fy, fw, fh] = restored.faces[0].box
    const core = [fx + fw * 0.3, fy + fh * 0.3, fw * 0.4, fh * 0.4]
    const grayFaces = await composed(photoId)
    expect(isGray(grayFaces.data)).toBe(true)

    const first = await call('applyOperation', {
      photoId,
      jobId: jobId(),
      op: 'color',
      params: { fade: 'none', colorize: 'ddcolor' }
    })
    // One step; the restore layer is made again (new id) on the colour base, so the face is in colour too.
    expect(first.history.map((h) => h.op)).toEqual(['open', 'restore', 'color'])
    expect(first.history.at(-1)).toMatchObject({ faces: [0], label: 'Colourise ddcolor (256), face 1 restored again' })
    expect(first.layers.map((l) => [l.op, l.faceIndex, l.strength])).toEqual([['restore', 0, 1]])
    expect(first.layers[0].id).not.toBe(restored.layers[0].id)
    const c1 = await composed(photoId)
    const faceChroma = meanChroma(c1.data, c1.width, core)
    console.log(`colour first: mean chroma in the restored face ${faceChroma.toFixed(1)} (gray layer: 0)`)
    expect(faceChroma).toBeGreaterThan(3)
    // One undo takes the whole action back.
    const undone = await call('undo', { photoId })
    expect([undone.photoLayers.length, undone.layers[0].id]).toEqual([0, restored.layers[0].id])

    const after = await call('applyOperation', {
      photoId,
      jobId: jobId(),
      op: 'color',
      params: { fade: 'none', colorize: 'ddcolor', colorizeAfter: true }
    })
    // The restored faces are part of the coloured base now (undo brings the layer back).
    expect(after.layers).toEqual([])
    expect(after.history.at(-1)?.label).toBe('Colourise ddcolor (256), after restoration')
    const c2 = await composed(photoId)
    expect(meanChroma(c2.data, c2.width, core)).toBeGreaterThan(3)
    // The lightness of the face is the restored face's (negated), not the photo's.
    expect(maxLightnessDiff(grayFaces.data, c2.data)).toBeLessThan(1)

    // The restorer gone: colour first cannot redo the face, so nothing is recorded (no half-done step).
    const back = await call('undo', { photoId })
    await call('removeModel', { id: 'gfpgan-1.4' })
    const missing = await ipcRaw(runtime, 'applyOperation', {
      photoId,
      jobId: jobId(),
      op: 'color',
      params: { fade: 'none', colorize: 'ddcolor' }
    })
    expect(missing).toMatchObject({ ok: false, error: { code: 'MODEL_MISSING' } })
    const unchanged = await call('getEditState', { photoId })
    expect([unchanged.history.length, unchanged.cursor, unchanged.layers[0].id]).toEqual([
      back.history.length,
      back.cursor,
      restored.layers[0].id
    ])
    await call('closePhoto', { photoId })
  }, 180_000)

  it("colorFile (a batch photo) through the worker: the colour op's file job, provenance, refusals", async () => {
    const inDir = join(dir, 'batch-in')
    const outDir = join(dir, 'batch-out')
    mkdirSync(inDir, { recursive: true })
    mkdirSync(outDir, { recursive: true })
    await sharp(photoPath('camera_gray8_512.png')).resize(200).toFile(join(inDir, 'gray.png'))
    await sharp(join(dir, 'colour.png')).toFile(join(inDir, 'colour.png'))
    const worker = runtime.services.worker
    const out = join(outDir, 'gray.png')
    const report = await worker.call('colorFile', {
      input: join(inDir, 'gray.png'),
      output: out,
      params: { fade: 'none', colorize: 'deoldify', renderSize: 192 },
      inputRoots: [inDir]
    })
    expect(report).toMatchObject({ grayscale: false, colorize: { model: 'deoldify', renderSize: 192, blend: 1 } })
    const before = await decodePhoto(join(inDir, 'gray.png'))
    const after = await decodePhoto(out)
    expect(after.grayscale).toBe(false)
    expect(maxLightnessDiff(before.image.data, after.image.data)).toBeLessThan(1)
    expect(readFileSync(out).includes(Buffer.from('colours generated by a model'))).toBe(true)
    await expect(
      worker.call('colorFile', {
        input: join(inDir, 'colour.png'),
        output: join(outDir, 'colour.png'),
        params: { fade: 'auto', colorize: 'ddcolor' },
        inputRoots: [inDir]
      })
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', reason: 'already-colour' })
    expect(existsSync(join(outDir, 'colour.png'))).toBe(false)
    // Into the input folder: refused, the original untouched.
    await expect(
      worker.call('colorFile', {
        input: join(inDir, 'gray.png'),
        output: join(inDir, 'gray-c.png'),
        params: { fade: 'auto' },
        inputRoots: [inDir]
      })
    ).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/input folder/) })
    expect(existsSync(join(inDir, 'gray-c.png'))).toBe(false)
    await expect(
      worker.call('colorFile', { input: out, output: join(outDir, 'x.png'), params: { fade: 'none', renderSize: 300 } })
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  }, 120_000)

  it("the app's Batch panel: operation 'color' through the batch engine; colour photos are rows that say so", async () => {
    const inDir = join(dir, 'app-batch-in')
    const outDir = join(dir, 'app-batch-out')
    mkdirSync(join(inDir, 'sub'), { recursive: true })
    await sharp(photoPath('camera_gray8_512.png')).resize(160).toFile(join(inDir, 'gray.png'))
    await sharp(photoPath('camera_gray8_512.png'))
      .resize(120)
      .jpeg()
      .toFile(join(inDir, 'sub', 'gray2.jpg'))
    await sharp(join(dir, 'colour.png')).toFile(join(inDir, 'colour.png'))
    const folders = [inDir, outDir]
    const batch = testAppRuntime({
      dir: join(dir, 'batch-app'),
      modelsDir: join(dir, 'models'),
      dialogs: { ...scriptedDialogs(), chooseFolder: () => Promise.resolve(folders.shift() ?? null) }
    })
    try {
      await ipcCall(batch, 'updateSettings', { contentCredentials: false, provider: 'cpu' })
      expect((await ipcCall(batch, 'chooseBatchInput', { recursive: true }))?.images).toBe(3)
      await ipcCall(batch, 'chooseOutputFolder', undefined)
      const bad = await ipcRaw(batch, 'runBatch', {
        jobId: 'jbcolour0',
        recursive: true,
        operation: 'color',
        strength: 1,
        format: 'same',
        color: { fade: 'auto', colorize: 'ddcolor-xl' }
      })
      expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: /colorize/ } })
      // A colouriser that is not installed: said once, before any photo.
      const missing = await ipcRaw(batch, 'runBatch', {
        jobId: 'jbcolour2',
        recursive: true,
        operation: 'color',
        strength: 1,
        format: 'same',
        color: { fade: 'auto', colorize: 'deoldify-stable' }
      })
      expect(missing).toMatchObject({
        ok: false,
        error: { code: 'MODEL_MISSING', message: /DeOldify.*download it in Models/i }
      })
      expect(existsSync(outDir) ? readdirSync(outDir).filter((f) => !f.startsWith('.')) : []).toEqual([])
      const r = await ipcCall(batch, 'runBatch', {
        jobId: 'jbcolour1',
        recursive: true,
        operation: 'color',
        strength: 1,
        format: 'same',
        color: { fade: 'none', colorize: 'ddcolor', renderSize: 192 }
      })
      expect(r.rows.map((x) => [x.file, x.status])).toEqual([
        ['colour.png', 'error'],
        ['gray.png', 'ok'],
        ['sub/gray2.jpg', 'ok']
      ])
      expect(r.rows[0].reason).toMatch(/already in colour/)
      expect(existsSync(join(outDir, 'colour.png'))).toBe(false)
      const before = await decodePhoto(join(inDir, 'gray.png'))
      const after = await decodePhoto(join(outDir, 'gray.png'))
      expect(after.grayscale).toBe(false)
      expect(maxLightnessDiff(before.image.data, after.image.data)).toBeLessThan(1)
      expect((await decodePhoto(join(outDir, 'sub', 'gray2.jpg'))).grayscale).toBe(false)
    } finally {
      await batch.dispose()
    }
  }, 180_000)
})
