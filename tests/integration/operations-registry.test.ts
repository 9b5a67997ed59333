import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppRuntime } from '../../src/main/app-services'
import { createEngine } from '../../src/main/core/engine'
import { ModelStore } from '../../src/main/core/models/store'
import { getOperation, listOperations } from '../../src/main/core/operations'
import { PipelineWorkerClient } from '../../src/main/worker/client'
import type { FromWorker } from '../../src/main/worker/protocol'
import { PipelineWorkerService } from '../../src/main/worker/service'
import type { InvokeChannel, RequestOf, ResponseOf } from '../../src/shared/ipc/channels'
import type { EditState } from '../../src/shared/ipc/types'
import { registerTestOperations } from '../fixtures/test-operations'
import { ipcCall, ipcRaw, dropToken, testAppRuntime } from '../helpers/app-runtime'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

const PHOTO = 'old_scratched_two_faces_400x256.png'

describe('operation registry and the worker boundary', () => {
  it('knows detect, restore, age and crop, each with a params schema, a kind and a label', () => {
    const ids = listOperations().map((o) => o.id)
    expect(ids).toEqual(expect.arrayContaining(['detect', 'restore', 'age', 'crop']))
    expect(getOperation('restore').kind).toBe('face')
    expect(getOperation('detect').kind).toBe('photo')
    // Strict params: an unknown or mistyped field is refused by the operation's own schema.
    expect(getOperation('restore').params.safeParse({ fidelity: 0.5 }).success).toBe(true)
    expect(getOperation('restore').params.safeParse({ fidelity: '0.5' }).success).toBe(false)
    expect(getOperation('restore').params.safeParse({ fidelty: 0.5 }).success).toBe(false)
    expect(() => getOperation('no-such-op')).toThrow(/Unknown operation "no-such-op"/)
  })

  it('a malformed worker message is answered with INVALID_REQUEST (or dropped without an id), never a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-registry-svc-'))
    const out: FromWorker[] = []
    const service = new PipelineWorkerService(createEngine({ store: new ModelStore({ dir }), provider: 'cpu' }), (m) =>
      out.push(m)
    )
    try {
      service.receive({ kind: 'request', id: 1, type: 'open', payload: { input: 42 } })
      service.receive({ kind: 'request', id: 2, type: 'noSuchRequest', payload: {} })
      service.receive({ kind: 'request', id: 3, type: 'info', payload: { sessionId: 's', extra: true } })
      service.receive({
        kind: 'request',
        id: 4,
        type: 'applyOperation',
        payload: { sessionId: 's', op: 'x'.repeat(65) }
      })
      service.receive('garbage')
      service.receive(null)
      service.receive({ kind: 'cancel' })
      service.receive({ kind: 'request', id: 5, type: 'runtimeInfo', payload: {} })
      for (let i = 0; i < 50 && out.length < 5; i++) await new Promise((r) => setTimeout(r, 10))
      const byId = new Map(out.map((m) => [m.id, m]))
      for (const id of [1, 2, 3, 4]) {
        expect(byId.get(id)).toMatchObject({ kind: 'result', ok: false, error: { code: 'INVALID_REQUEST' } })
      }
      expect(byId.get(1)).toMatchObject({ error: { message: expect.stringMatching(/"open".*input/) } })
      // The service still answers well-formed requests afterwards.
      expect(byId.get(5)).toMatchObject({ kind: 'result', ok: true })
      expect(out.length).toBe(5)
    } finally {
      await service.dispose()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("applyOperation fetches every model the operation's params need at once: one MODEL_MISSING naming all", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-registry-models-'))
    const input = join(dir, 'face.png')
    await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 90, g: 80, b: 70 } } })
      .png()
      .toFile(input)
    const client = PipelineWorkerClient.start({ modelsDir: join(dir, 'models'), provider: 'cpu' })
    try {
      const face = {
        box: [16, 16, 32, 32] as [number, number, number, number],
        score: 0.9,
        landmarks: [
          [26, 28],
          [38, 28],
          [32, 34],
          [27, 40],
          [37, 40]
        ] as [[number, number], [number, number], [number, number], [number, number], [number, number]]
      }
      const s = await client.call('open', { input, faces: [face] })
      const err: unknown = await client
        .call('applyOperation', {
          sessionId: s.sessionId,
          op: 'age',
          params: {
            choice: { model: 'styleganex-age' },
            amount: { kind: 'delta', years: 10 },
            restoreAfter: { choice: { model: 'codeformer' } }
          }
        })
        .catch((e: unknown) => e)
      // Before, the age models were opened first and only they were named; the restorer failed on a second try.
      expect(err).toMatchObject({ code: 'MODEL_MISSING', modelIds: ['styleganex-age', 'codeformer'] })
      const after = await client.call('info', { sessionId: s.sessionId })
      expect([after.history.length, after.layers.length]).toEqual([1, 0])
    } finally {
      await client.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('the worker thread refuses a payload its schema rejects and stays up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-registry-thread-'))
    const client = PipelineWorkerClient.start({ modelsDir: join(dir, 'models'), provider: 'cpu' })
    try {
      await expect(client.call('open', { input: '' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
      await expect(client.call('gotoStep', { sessionId: 's', index: 1.5 })).rejects.toMatchObject({
        code: 'INVALID_REQUEST'
      })
      expect(client.alive).toBe(true)
      await expect(client.call('close', { sessionId: 's' })).resolves.toEqual({ closed: false })
    } finally {
      await client.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

async function rgb(bytes: Uint8Array): Promise<{ data: Buffer; width: number }> {
  const { data, info } = await sharp(Buffer.from(bytes)).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return { data, width: info.width }
}

describeShared('a test-only operation, registered in the test, through IPC + worker + history', () => {
  let dir: string
  let runtime: AppRuntime
  let unregister: () => void

  const call = <C extends InvokeChannel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> =>
    ipcCall(runtime, channel, payload)

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-registry-'))
    const modelsDir = join(dir, 'models')
    await storeWithDetector(modelsDir)
    // Main's registry (IPC checks params against it) and the worker's (its entry registers them before starting).
    unregister = registerTestOperations()
    runtime = testAppRuntime({
      dir,
      modelsDir,
      workerEntry: {
        file: resolve(__dirname, '../fixtures/worker-with-test-operations.ts'),
        execArgv: ['--require', 'tsx/cjs']
      }
    })
  }, 60_000)

  afterAll(async () => {
    unregister?.()
    await runtime?.dispose()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('per-face invert and per-photo tint: applied, in history as data, undone and redone; bad params refused', async () => {
    const photo = await call('openDroppedPhoto', { token: await dropToken(runtime, photoPath(PHOTO)) })
    const detected: EditState = await call('detectFaces', { photoId: photo.photoId })
    expect(detected.faces.length).toBe(2)
    expect(detected.history.map((h) => h.op)).toEqual(['open'])
    const original = await rgb((await call('getPreview', { photoId: photo.photoId, variant: 'original' })).bytes)
    const at = (img: { data: Buffer; width: number }, x: number, y: number): number[] =>
      [0, 1, 2].map((c) => img.data[(Math.round(y) * img.width + Math.round(x)) * 3 + c])
    const [fx, fy, fw, fh] = detected.faces[0].box
    const centre = [fx + fw / 2, fy + fh / 2] as const
    const corner = [2, 2] as const // outside every face

    const inverted = await call('applyOperation', {
      photoId: photo.photoId,
      jobId: 'jinvert01',
      op: 'invert',
      faces: [0],
      strength: 1,
      params: { amount: 1 }
    })
    expect(inverted.layers.map((l) => [l.op, l.faceIndex, l.model])).toEqual([['invert', 0, 'test-invert']])
    expect(inverted.history.at(-1)).toEqual({ op: 'invert', faces: [0], params: { amount: 1 }, label: 'Invert face 1' })
    const afterInvert = await rgb((await call('getPreview', { photoId: photo.photoId, variant: 'edited' })).bytes)
    const before = at(original, ...centre)
    for (const [c, v] of at(afterInvert, ...centre).entries())
      expect(Math.abs(v - (255 - before[c]))).toBeLessThanOrEqual(2)
    expect(at(afterInvert, ...corner)).toEqual(at(original, ...corner))

    const tinted = await call('applyOperation', {
      photoId: photo.photoId,
      jobId: 'jtint0001',
      op: 'tint',
      params: { red: 40 }
    })
    expect(tinted.photoLayers.map((p) => [p.op, p.params])).toEqual([['tint', { red: 40 }]])
    expect(tinted.layers.map((l) => l.op)).toEqual(['invert'])
    expect(tinted.history.map((h) => h.label)).toEqual(['Open original', 'Invert face 1', 'Tint photo'])
    const afterTint = await rgb((await call('getPreview', { photoId: photo.photoId, variant: 'edited' })).bytes)
    const o = at(original, ...corner)
    expect(at(afterTint, ...corner)).toEqual([Math.min(255, o[0] + 40), o[1], o[2]])
    // The face layer stays on top of the new base: the inverted face is unchanged by the tint.
    expect(at(afterTint, ...centre)).toEqual(at(afterInvert, ...centre))

    // Params are checked with the operation's own schema: in main before any handler, and in the worker itself.
    const bad = await ipcRaw(runtime, 'applyOperation', {
      photoId: photo.photoId,
      jobId: 'jtint0002',
      op: 'tint',
      params: { red: 'lots' }
    })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/red/) } })
    const tintFaces = await ipcRaw(runtime, 'applyOperation', {
      photoId: photo.photoId,
      jobId: 'jtint0004',
      op: 'tint',
      faces: [0],
      params: { red: 5 }
    })
    expect(tintFaces).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/whole photo/) }
    })
    const sessionId = await runtime.services.library.sessionId(photo.photoId)
    await expect(
      runtime.services.worker.call('applyOperation', { sessionId, op: 'tint', params: { red: 999 } })
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    const unknown = await ipcRaw(runtime, 'applyOperation', {
      photoId: photo.photoId,
      jobId: 'jtint0003',
      op: 'sharpen',
      params: {}
    })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })

    // The renderer never names a file to read, even where the CLI may (a restorer given as a file).
    const byFile = await ipcRaw(runtime, 'applyOperation', {
      photoId: photo.photoId,
      jobId: 'jrest0001',
      op: 'restore',
      faces: [0],
      params: { modelFile: photoPath(PHOTO), modelKind: 'gfpgan' }
    })
    expect(byFile).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/modelFile.*by id/) }
    })
    const ageByFile = await ipcRaw(runtime, 'applyOperation', {
      photoId: photo.photoId,
      jobId: 'jage00001',
      op: 'age',
      params: { choice: { encoder: { file: '/tmp/x.onnx' } }, amount: { kind: 'delta', years: 5 } }
    })
    expect(ageByFile).toMatchObject({ ok: false, error: { message: expect.stringMatching(/choice\.encoder\.file/) } })

    const undone = await call('undo', { photoId: photo.photoId })
    expect([undone.photoLayers.length, undone.layers.length, undone.cursor]).toEqual([0, 1, 1])
    expect(
      at(await rgb((await call('getPreview', { photoId: photo.photoId, variant: 'edited' })).bytes), ...corner)
    ).toEqual(o)
    const twice = await call('undo', { photoId: photo.photoId })
    expect([twice.layers.length, twice.cursor]).toEqual([0, 0])
    const redone = await call('gotoStep', { photoId: photo.photoId, index: 2 })
    expect([redone.photoLayers.length, redone.layers.length]).toEqual([1, 1])
    // Layer ids are opaque and stable: the same id before and after undo/redo.
    expect(redone.layers[0].id).toBe(inverted.layers[0].id)
  }, 120_000)
})
