import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { PipelineProgress } from '../../src/main/core/pipeline/progress'
import { PipelineWorkerClient, resolveWorkerEntry } from '../../src/main/worker/client'
import { styleganexGraph, writeGraphFile } from '../fixtures/age-graphs'
import { identityRestorer, negateRestorer, writeGraph } from '../fixtures/model-graphs'
import { goldenFaces } from '../helpers/golden-faces'
import { describeShared, photoPath } from '../helpers/shared-assets'

const PHOTO = 'gfpgan_old_family_783x1146.png'

describeShared('pipeline worker: the editor requests (age, removeFace, previews, crop/sheet export, job ids)', () => {
  let dir: string
  let client: PipelineWorkerClient
  let negate: string
  let identity: string
  let styleganex: string

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-worker-editor-'))
    negate = writeGraph(dir, 'negate.onnx', negateRestorer())
    identity = writeGraph(dir, 'identity.onnx', identityRestorer())
    styleganex = writeGraphFile(dir, 'sx.onnx', styleganexGraph())
    client = PipelineWorkerClient.start({ modelsDir: join(dir, 'models'), provider: 'cpu' })
  })
  afterAll(async () => {
    await client?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('age + restore after fails as a whole when the restorer is missing: nothing changes', async () => {
    const s = await client.call('open', { input: photoPath(PHOTO), faces: goldenFaces(PHOTO, 'user') })
    await expect(
      client.call('ageFaces', {
        sessionId: s.sessionId,
        choice: { ageModelFile: styleganex, ageModelKind: 'styleganex' },
        amount: { kind: 'delta', years: 20 },
        options: { strength: 1 },
        restoreAfter: { choice: { modelFile: join(dir, 'no-such-restorer.onnx'), modelKind: 'gfpgan' } }
      })
    ).rejects.toMatchObject({ code: 'MODEL_MISSING' })
    const after = await client.call('info', { sessionId: s.sessionId })
    expect([after.history.map((h) => h.op), after.cursor, after.layers.length]).toEqual([['open'], 0, 0])
  })

  it('age (+ restore after) per face, removeFace keeps the others, previews and crop/sheet exports', async () => {
    const s = await client.call('open', { input: photoPath(PHOTO), faces: goldenFaces(PHOTO, 'user') })
    expect(s.faces.length).toBe(3)
    expect([s.history.map((h) => h.op), s.cursor, s.outputScale]).toEqual([['open'], 0, 1])
    const events: PipelineProgress[] = []
    const aged = await client.call(
      'ageFaces',
      {
        sessionId: s.sessionId,
        choice: { ageModelFile: styleganex, ageModelKind: 'styleganex' },
        amount: { kind: 'delta', years: 20 },
        options: { strength: 1 },
        restoreAfter: { choice: { modelFile: negate, modelKind: 'gfpgan' }, strength: 0.5 }
      },
      { onProgress: (e) => events.push(e) }
    )
    expect(events.filter((e) => e.stage === 'face' && e.op === 'age').length).toBe(3)
    expect(events.filter((e) => e.stage === 'face' && e.op === 'restore').length).toBe(3)
    expect(aged.layers.map((l) => [l.op, l.faceIndex, l.strength])).toEqual([
      ['age', 0, 1],
      ['age', 1, 1],
      ['age', 2, 1],
      ['restore', 0, 0.5],
      ['restore', 1, 0.5],
      ['restore', 2, 0.5]
    ])
    expect(aged.layers[0].params).toMatchObject({ route: 'styleganex', delta: 20 })
    // One user action, one undo step.
    // One step for the whole action, as data: op, faces and the params it was given (restoreAfter included).
    expect([aged.history.map((h) => [h.op, h.faces, h.label]), aged.cursor]).toEqual([
      [
        ['open', [], 'Open original'],
        ['age', [0, 1, 2], 'Age faces 1, 2, 3 + restore']
      ],
      1
    ])
    expect(aged.history[1].params).toMatchObject({
      amount: { kind: 'delta', years: 20 },
      restoreAfter: { strength: 0.5 }
    })

    const removed = await client.call('removeFace', { sessionId: s.sessionId, index: 1 })
    expect(removed.faces.map((f) => f.box)).toEqual([aged.faces[0].box, aged.faces[2].box])
    const kept = aged.layers.filter((l) => l.faceIndex !== 1)
    expect(removed.layers.map((l) => [l.id, l.faceIndex])).toEqual(kept.map((l) => [l.id, l.faceIndex === 2 ? 1 : 0]))
    expect(removed.history.at(-1)).toMatchObject({ op: 'delete-face', faces: [1], label: 'Delete face 2' })

    const small = await client.call('preview', { sessionId: s.sessionId, variant: 'edited', maxSide: 300 })
    expect(small.mime).toBe('image/png')
    expect(Math.max(small.width, small.height)).toBe(300)
    const meta = await sharp(Buffer.from(small.bytes)).metadata()
    expect([meta.width, meta.height]).toEqual([small.width, small.height])
    const orig = await client.call('preview', { sessionId: s.sessionId, variant: 'original', maxSide: 300 })
    expect(Buffer.from(orig.bytes).equals(Buffer.from(small.bytes))).toBe(false)

    const crop = join(dir, 'crop.png')
    const r = await client.call('export', {
      sessionId: s.sessionId,
      output: crop,
      crop: [100, 100, 300, 200],
      beforeAfterSheet: true,
      resize: 2
    })
    expect([r.width, r.height]).toEqual([(300 * 2 + 8) * 2, 400])
    const img = await sharp(crop).metadata()
    expect([img.width, img.height]).toEqual([r.width, r.height])
    await expect(
      client.call('export', { sessionId: s.sessionId, output: photoPath(PHOTO), overwrite: true })
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
  }, 180_000)

  it('worker entry: sources under vitest, the built worker under Playwright, bundle and chunk layouts', () => {
    const root = join(dir, 'checkout')
    const src = join(root, 'src', 'main', 'worker')
    const out = join(root, 'out', 'main')
    mkdirSync(src, { recursive: true })
    mkdirSync(join(out, 'chunks'), { recursive: true })
    writeFileSync(join(src, 'index.ts'), '')
    expect(resolveWorkerEntry(src, { VITEST: 'true', TEST_WORKER_INDEX: '0' })).toEqual({
      file: join(src, 'index.ts'),
      execArgv: ['--require', 'tsx/cjs']
    })
    // Playwright before `npm run build`: the sources still work.
    expect(resolveWorkerEntry(src, { TEST_WORKER_INDEX: '0' }).file).toBe(join(src, 'index.ts'))
    writeFileSync(join(out, 'worker.js'), '')
    expect(resolveWorkerEntry(src, { TEST_WORKER_INDEX: '0' })).toEqual({ file: join(out, 'worker.js'), execArgv: [] })
    expect(resolveWorkerEntry(out, {}).file).toBe(join(out, 'worker.js'))
    expect(resolveWorkerEntry(join(out, 'chunks'), {}).file).toBe(join(out, 'worker.js'))
    expect(resolveWorkerEntry(src, { HEIRLOOM_WORKER_ENTRY: join(out, 'worker.js') }).execArgv).toEqual([])
    expect(() => resolveWorkerEntry(src, { HEIRLOOM_WORKER_ENTRY: join(out, 'nope.js') })).toThrow(/missing/)
  })

  it('cancelJob reaches every request of a job id; configure and runtimeInfo', async () => {
    const s = await client.call('open', { input: photoPath(PHOTO), faces: goldenFaces(PHOTO, 'user') })
    const running = client.call(
      'restoreFaces',
      { sessionId: s.sessionId, choice: { modelFile: identity, modelKind: 'gfpgan' }, options: {} },
      { jobId: 'job-a' }
    )
    const queued = expect(
      client.call('compose', { sessionId: s.sessionId, scale: 4 }, { jobId: 'job-a' })
    ).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(client.cancelJob('job-a')).toBe(true)
    expect(client.cancelJob('job-b')).toBe(false)
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' })
    await queued
    const info = await client.call('info', { sessionId: s.sessionId })
    expect([info.layers.length, info.outputScale]).toEqual([0, 1])
    expect(await client.call('configure', { provider: 'cpu' })).toEqual({ provider: 'cpu' })
    await client.call('restoreFaces', {
      sessionId: s.sessionId,
      choice: { modelFile: identity, modelKind: 'gfpgan' },
      options: { faces: [0] }
    })
    expect(await client.call('runtimeInfo', {})).toEqual({ lastProvider: 'cpu' })
  }, 120_000)
})
