import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { PipelineProgress } from '../../src/main/core/pipeline/progress'
import { PipelineWorkerClient, resolveWorkerEntry } from '../../src/main/worker/client'
import { identityRestorer, negateRestorer, writeGraph } from '../fixtures/model-graphs'
import { goldenFaces } from '../helpers/golden-faces'
import { describeShared, photoPath } from '../helpers/shared-assets'

describeShared('pipeline worker (worker_threads, typed protocol)', () => {
  let dir: string
  let client: PipelineWorkerClient
  let identity: string
  let negate: string

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-worker-'))
    identity = writeGraph(dir, 'identity.onnx', identityRestorer())
    negate = writeGraph(dir, 'negate.onnx', negateRestorer())
    expect(resolveWorkerEntry(join(__dirname, '..', '..', 'src', 'main', 'worker')).file).toMatch(/index\.ts$/)
    client = PipelineWorkerClient.start({ modelsDir: join(dir, 'models'), provider: 'cpu' })
  })
  afterAll(async () => {
    await client?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('edit session over the worker: per-face progress, transferred images, re-blend and toggle without re-running', async () => {
    const s = await client.call('open', { input: photoPath('gfpgan_old_family_783x1146.png') })
    expect([s.width, s.height]).toEqual([783, 1146])
    await client.call('setFaces', {
      sessionId: s.sessionId,
      faces: goldenFaces('gfpgan_old_family_783x1146.png', 'user')
    })
    const events: PipelineProgress[] = []
    const r = await client.call(
      'restoreFaces',
      { sessionId: s.sessionId, choice: { modelFile: negate, modelKind: 'gfpgan' }, options: { strength: 1 } },
      { onProgress: (e) => events.push(e) }
    )
    expect(events.filter((e) => e.stage === 'face').length).toBe(3)
    expect(r.layers.map((l) => [l.faceIndex, l.op, l.strength])).toEqual([
      [0, 'restore', 1],
      [1, 'restore', 1],
      [2, 'restore', 1]
    ])
    const full = (await client.call('compose', { sessionId: s.sessionId })).image
    expect(full.data).toBeInstanceOf(Uint8Array)
    expect(full.data.length).toBe(783 * 1146 * 3)
    const afterToggle = await client.call('setLayers', {
      sessionId: s.sessionId,
      layerIds: [r.layers[0].id],
      enabled: false
    })
    expect(afterToggle.layers[0].enabled).toBe(false)
    const toggled = (await client.call('compose', { sessionId: s.sessionId })).image
    expect(Buffer.compare(Buffer.from(full.data), Buffer.from(toggled.data))).not.toBe(0)
    const undone = await client.call('undo', { sessionId: s.sessionId })
    expect(undone.layers[0].enabled).toBe(true)
    const again = (await client.call('compose', { sessionId: s.sessionId })).image
    expect(Buffer.compare(Buffer.from(full.data), Buffer.from(again.data))).toBe(0)
    const up = (await client.call('compose', { sessionId: s.sessionId, scale: 2 })).image
    expect([up.width, up.height]).toEqual([1566, 2292])
    await client.call('export', { sessionId: s.sessionId, output: join(dir, 'out.jpg') })
    expect((await client.call('close', { sessionId: s.sessionId })).closed).toBe(true)
    await expect(client.call('compose', { sessionId: s.sessionId })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  }, 120_000)

  it('cancel by id stops the running job after the current face; a queued job is cancelled too', async () => {
    const s = await client.call('open', { input: photoPath('gfpgan_old_family_783x1146.png') })
    await client.call('setFaces', {
      sessionId: s.sessionId,
      faces: goldenFaces('gfpgan_old_family_783x1146.png', 'user')
    })
    const ac = new AbortController()
    let faces = 0
    const running = client.call(
      'restoreFaces',
      { sessionId: s.sessionId, choice: { modelFile: identity, modelKind: 'gfpgan' }, options: {} },
      {
        signal: ac.signal,
        onProgress: (e) => {
          if (e.stage === 'face' && ++faces === 1) ac.abort()
        }
      }
    )
    const queuedAc = new AbortController()
    const queued = expect(
      client.call('compose', { sessionId: s.sessionId, scale: 4 }, { signal: queuedAc.signal })
    ).rejects.toMatchObject({
      code: 'CANCELLED'
    })
    queuedAc.abort()
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' })
    await queued
    expect(faces).toBeLessThanOrEqual(2)
    // redo is a no-op here: it just reports the state, which the cancelled step never changed.
    const info = await client.call('redo', { sessionId: s.sessionId })
    expect(info.faces.length).toBe(3)
    expect(info.layers).toEqual([])
    expect(info.canRedo).toBe(false)
    expect(client.pendingIds).toEqual([])
  }, 120_000)
})
