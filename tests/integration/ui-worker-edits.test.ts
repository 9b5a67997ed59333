import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { InvokeChannel, IpcResult, RequestOf, ResponseOf } from '../../src/shared/ipc/channels'
import type { JobProgress } from '../../src/shared/ipc/types'
import type { AppRuntime } from '../../src/main/app-services'
import { negateRestorer } from '../fixtures/model-graphs'
import { storeWithDetector } from '../helpers/models-dir'
import { dropToken, ipcCall, ipcRaw, testAppRuntime } from '../helpers/app-runtime'
import { scriptedDialogs } from '../helpers/host-doubles'
import { describeShared, photoPath } from '../helpers/shared-assets'

const PHOTO = 'old_scratched_two_faces_400x256.png'

let dir: string
let runtime: AppRuntime
const saveAnswers: string[] = []
const jobEvents: JobProgress[] = []

const raw = <C extends InvokeChannel>(channel: C, payload: RequestOf<C>): Promise<IpcResult<ResponseOf<C>>> =>
  ipcRaw(runtime, channel, payload)
const call = <C extends InvokeChannel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> =>
  ipcCall(runtime, channel, payload)

async function pixels(bytes: Uint8Array): Promise<Buffer> {
  return sharp(Buffer.from(bytes)).removeAlpha().raw().toBuffer()
}

describeShared('editor channels over the pipeline worker (faces, layers, history, previews, export, cancel)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-ui-worker-'))
    const modelsDir = join(dir, 'models')
    const store = await storeWithDetector(modelsDir)
    const neg = join(dir, 'negate-standin.onnx')
    writeFileSync(neg, negateRestorer(512))
    // Unpinned manifest entry: the stand-in passes the contract check and is used as gfpgan-1.4.
    await store.importFile('gfpgan-1.4', neg)
    runtime = testAppRuntime({ dir, modelsDir, jobEvents, dialogs: scriptedDialogs([], saveAnswers) })
  }, 60_000)

  afterAll(async () => {
    await runtime?.dispose()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it("no worker before the first photo; deleting a face keeps the other faces' layers; undo/goto; previews differ", async () => {
    expect(runtime.services.worker.started).toBe(false)
    const overview = await call('listModels', undefined)
    expect(overview.providerInUse).toBeUndefined()
    expect(runtime.services.worker.started).toBe(false)

    const photo = await call('openDroppedPhoto', { token: await dropToken(runtime, photoPath(PHOTO)) })
    expect(runtime.services.worker.started).toBe(true)
    const found = await call('detectFaces', { photoId: photo.photoId })
    expect(found.faces.length).toBe(2)
    // The first detection is the starting point, not a step to undo.
    const start = await call('getEditState', { photoId: photo.photoId })
    expect(start.history.map((h) => h.label)).toEqual(['Open original'])

    const restored = await call('restoreFaces', {
      photoId: photo.photoId,
      jobId: 'jedits0001',
      faces: 'all',
      model: 'gfpgan-1.4',
      strength: 0.8
    })
    expect(restored.layers.map((l) => l.faceIndex)).toEqual([0, 1])
    expect(jobEvents.filter((e) => e.jobId === 'jedits0001' && e.stage === 'face').length).toBe(2)
    expect(jobEvents.at(-1)).toMatchObject({ jobId: 'jedits0001', done: true })
    const before = await pixels((await call('getPreview', { photoId: photo.photoId, variant: 'edited' })).bytes)

    // Delete face 1: face 2 becomes face 1 and keeps its restore layer (same id, same strength).
    const deleted = await call('deleteFace', { photoId: photo.photoId, index: 0 })
    expect(deleted.faces.length).toBe(1)
    expect(deleted.faces[0].box).toEqual(found.faces[1].box)
    expect(deleted.layers.map((l) => [l.id, l.faceIndex, l.strength])).toEqual([[restored.layers[1].id, 0, 0.8]])
    expect(deleted.history.at(-1)!.label).toBe('Delete face 1')
    const afterDelete = await pixels((await call('getPreview', { photoId: photo.photoId, variant: 'edited' })).bytes)
    const original = await pixels((await call('getPreview', { photoId: photo.photoId, variant: 'original' })).bytes)
    expect(afterDelete.equals(before)).toBe(false)
    expect(afterDelete.equals(original)).toBe(false)

    // Draw the face back: landmarks placed in the worker, the kept layer stays on face 1.
    const [x, y, w, h] = found.faces[0].box
    const drawn = await call('addFaceBox', { photoId: photo.photoId, box: [x - 4, y - 4, w + 8, h + 8] })
    expect(drawn.faces.length).toBe(2)
    expect(drawn.faces[1].source).toBe('user')
    expect(drawn.layers.map((l) => l.faceIndex)).toEqual([0])

    // Undo twice = the state right after the restore, pixel for pixel.
    await call('undo', { photoId: photo.photoId })
    const undone = await call('undo', { photoId: photo.photoId })
    expect(undone.layers.map((l) => l.faceIndex)).toEqual([0, 1])
    const again = await pixels((await call('getPreview', { photoId: photo.photoId, variant: 'edited' })).bytes)
    expect(again.equals(before)).toBe(true)
    const first = await call('gotoStep', { photoId: photo.photoId, index: 0 })
    expect(first.layers).toEqual([])
    expect(first.cursor).toBe(0)
    const onOpen = await pixels((await call('getPreview', { photoId: photo.photoId, variant: 'edited' })).bytes)
    expect(onOpen.equals(original)).toBe(true)
    // A no-op undo leaves the revision alone (the renderer then keeps its preview).
    const noop = await call('undo', { photoId: photo.photoId })
    expect(noop.revision).toBe(first.revision)

    const listed = await call('listModels', undefined)
    expect(listed.providerInUse).toBe('cpu')
  }, 120_000)

  it('export crop / sheet never over the original; cancel by job id; closed photos are forbidden', async () => {
    const photo = await call('openDroppedPhoto', { token: await dropToken(runtime, photoPath(PHOTO)) })
    await call('detectFaces', { photoId: photo.photoId })
    await call('restoreFaces', {
      photoId: photo.photoId,
      jobId: 'jedits0002',
      faces: [1],
      model: 'gfpgan-1.4',
      strength: 1
    })
    const out = join(dir, 'sheet.png')
    saveAnswers.push(out)
    const sheet = await call('exportPhoto', {
      photoId: photo.photoId,
      format: 'png',
      quality: 90,
      scale: 0.5,
      keepMetadata: true,
      provenance: true,
      beforeAfterSheet: true,
      crop: [100, 20, 200, 200]
    })
    expect([sheet?.width, sheet?.height]).toEqual([Math.round((200 * 2 + 8) * 0.5), 100])
    const xmp = (await sharp(out).metadata()).xmp?.toString('utf8') ?? ''
    expect(xmp).toMatch(/before-after-sheet/)
    expect(xmp).toMatch(/crop/)
    saveAnswers.push(photoPath(PHOTO))
    const refused = await raw('exportPhoto', {
      photoId: photo.photoId,
      format: 'png',
      quality: 90,
      scale: 1,
      keepMetadata: true,
      provenance: true,
      beforeAfterSheet: false
    })
    expect(refused.ok ? 'ok' : refused.error.code).toBe('FORBIDDEN')

    // Cancel while queued behind another job: the restore answers CANCELLED and the layers are as they were.
    const slow = raw('restoreFaces', {
      photoId: photo.photoId,
      jobId: 'jedits0003',
      faces: 'all',
      model: 'gfpgan-1.4',
      strength: 1
    })
    const cancelled = raw('restoreFaces', {
      photoId: photo.photoId,
      jobId: 'jedits0004',
      faces: 'all',
      model: 'gfpgan-1.4',
      strength: 1
    })
    await call('cancelJob', { jobId: 'jedits0004' })
    const [a, b] = await Promise.all([slow, cancelled])
    expect(a.ok).toBe(true)
    expect(b.ok ? 'ok' : b.error.code).toBe('CANCELLED')
    expect(jobEvents.filter((e) => e.jobId === 'jedits0004' && e.done).length).toBe(1)

    await call('closePhoto', { photoId: photo.photoId })
    const gone = await raw('getPreview', { photoId: photo.photoId, variant: 'edited' })
    expect(gone.ok ? 'ok' : gone.error.code).toBe('FORBIDDEN')
  }, 120_000)

  it('a crashed worker is replaced and an open photo comes back with its faces', async () => {
    const photo = await call('openDroppedPhoto', {
      token: await dropToken(runtime, photoPath('old_scratched_boy_256x256.png'))
    })
    const found = await call('detectFaces', { photoId: photo.photoId })
    expect(found.faces.length).toBe(1)
    await runtime.services.worker.worker().close()
    expect(runtime.services.worker.started).toBe(false)
    const state = await call('getEditState', { photoId: photo.photoId })
    expect(state.faces).toEqual(found.faces)
    expect(runtime.services.worker.started).toBe(true)
    const preview = await call('getPreview', { photoId: photo.photoId, variant: 'original', maxSide: 128 })
    expect([preview.width, preview.height]).toEqual([128, 128])
  }, 60_000)
})
