/**
 * The app's path through the worker: helper facts per face in the session info (age bucket on open, identity after a
 * restore, re-measured after a re-blend), Keep identity as one undo step, and face-region paste-back.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { findEntry, loadManifest } from '../../src/main/core/models/manifest'
import { editStateOf } from '../../src/main/services/edit-state'
import { PipelineWorkerClient } from '../../src/main/worker/client'
import { bisenetStandIn, fairfaceStandIn, sfaceStandIn } from '../fixtures/helper-graphs'
import { negateRestorer, writeGraph } from '../fixtures/model-graphs'
import { goldenFaces } from '../helpers/golden-faces'
import { describeShared, photoPath } from '../helpers/shared-assets'

const PHOTO = 'gfpgan_old_family_783x1146.png'

describeShared('pipeline worker: helper facts per face for the app', () => {
  let dir: string
  let client: PipelineWorkerClient
  let bare: PipelineWorkerClient
  let negate: string

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-identity-worker-'))
    const models = join(dir, 'models')
    mkdirSync(models)
    const manifest = loadManifest()
    const place = (id: string, bytes: Uint8Array): void =>
      writeFileSync(join(models, findEntry(manifest, id)!.file), bytes)
    place('sface-2021dec', sfaceStandIn())
    place('fairface', fairfaceStandIn())
    place('bisenet-resnet-34', bisenetStandIn([150, 180, 360, 400]))
    negate = writeGraph(dir, 'negate.onnx', negateRestorer())
    client = PipelineWorkerClient.start({ modelsDir: models, provider: 'cpu' })
    bare = PipelineWorkerClient.start({ modelsDir: join(dir, 'empty'), provider: 'cpu' })
  })
  afterAll(async () => {
    await client?.close()
    await bare?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('ages on open, identity after restore and after a re-blend; Keep identity is one undo step', async () => {
    const s = await client.call('open', { input: photoPath(PHOTO), faces: goldenFaces(PHOTO, 'user') })
    expect(s.faceInfo!.length).toBe(3)
    for (const f of s.faceInfo!) {
      expect(f.ageBucket).toMatch(/^\d+(-\d+|\+)$/)
      expect(f.similarity).toBeUndefined() // nothing edited yet
    }
    const restored = await client.call('restoreFaces', {
      sessionId: s.sessionId,
      choice: { modelFile: negate, modelKind: 'gfpgan' },
      options: { strength: 0.8, faces: [0, 1] }
    })
    expect(restored.layers[0].params).toMatchObject({ paste: 'regions', parser: 'bisenet-resnet-34' })
    const sim0 = restored.faceInfo![0].similarity!
    expect(sim0).toBeLessThan(0.99)
    expect(restored.faceInfo![2].similarity).toBeUndefined()
    // A re-blend (no model run) is measured again: a lighter blend is closer to the original.
    const lighter = await client.call('setLayers', {
      sessionId: s.sessionId,
      layerIds: [restored.layers[0].id],
      strength: 0.2
    })
    expect(lighter.faceInfo![0].similarity!).toBeGreaterThan(sim0)
    const state = editStateOf('p1', lighter, 1)
    expect(state.faceInfo![0]).toMatchObject({ similarity: lighter.faceInfo![0].similarity })
    expect(JSON.stringify(state.faceInfo)).not.toMatch(/race|gender/i)

    const before = (await client.call('info', { sessionId: s.sessionId })).history.length
    const kept = await client.call('restoreFaces', {
      sessionId: s.sessionId,
      choice: { modelFile: negate, modelKind: 'gfpgan' },
      options: { strength: 0.8, faces: [0, 1], paste: 'box', minIdentity: 0.9 }
    })
    expect(kept.history.length).toBe(before + 1) // restore + its re-blends: one step
    // Structured step; the label is derived in core (restore's label function), never parsed back.
    expect(kept.history[kept.cursor]).toMatchObject({
      op: 'restore',
      faces: [0, 1],
      params: { paste: 'box', minIdentity: 0.9 },
      label: 'Restore faces 1, 2 + keep identity'
    })
    for (const i of [0, 1]) {
      const f = kept.faceInfo![i]
      expect(f.similarity!).toBeGreaterThanOrEqual(0.9)
      expect(f.keep).toMatchObject({ reached: true, fromStrength: 0.8, min: 0.9 })
      expect(kept.layers.find((l) => l.faceIndex === i && l.op === 'restore')!.strength).toBe(f.keep!.toStrength)
    }
    expect(kept.layers[0].params.paste).toBeUndefined()
    const undone = await client.call('undo', { sessionId: s.sessionId })
    expect(undone.layers.find((l) => l.faceIndex === 0)!.strength).toBe(0.2)
  })

  it('applyOperation restore validates paste/minIdentity with the op schema', async () => {
    const s = await client.call('open', { input: photoPath(PHOTO), faces: goldenFaces(PHOTO, 'user') })
    const call = (params: Record<string, unknown>): Promise<unknown> =>
      client.call('applyOperation', { sessionId: s.sessionId, op: 'restore', faces: [0], params })
    await expect(call({ modelFile: negate, modelKind: 'gfpgan', paste: 'hair' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('paste')
    })
    await expect(call({ modelFile: negate, modelKind: 'gfpgan', minIdentity: 2 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('minIdentity')
    })
    const ok = (await call({ modelFile: negate, modelKind: 'gfpgan', minIdentity: 0.9 })) as {
      history: { label: string }[]
      faceInfo?: { keep?: unknown }[]
    }
    expect(ok.history.at(-1)!.label).toBe('Restore face 1 + keep identity')
    expect(ok.faceInfo![0].keep).toBeDefined()
  })

  it('without helper models the session info carries no face facts and restores still work', async () => {
    const s = await bare.call('open', { input: photoPath(PHOTO), faces: goldenFaces(PHOTO, 'user') })
    expect(s.faceInfo).toBeUndefined()
    const r = await bare.call('restoreFaces', {
      sessionId: s.sessionId,
      choice: { modelFile: negate, modelKind: 'gfpgan' },
      options: { strength: 0.8, faces: [0] }
    })
    expect(r.faceInfo).toBeUndefined()
    expect(r.layers.length).toBe(1)
    await expect(
      bare.call('restoreFaces', {
        sessionId: s.sessionId,
        choice: { modelFile: negate, modelKind: 'gfpgan' },
        options: { strength: 0.8, faces: [0], minIdentity: 0.363 }
      })
    ).rejects.toMatchObject({ code: 'MODEL_MISSING', modelId: 'sface-2021dec' })
  })
})
