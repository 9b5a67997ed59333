import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Face } from '../../src/shared/faces'
import { decodePhoto } from '../../src/main/core/image/decode'
import { resizeRgb } from '../../src/main/core/image/resize'
import type { DecodedPhoto, RgbImage } from '../../src/main/core/image/types'
import { EditSession } from '../../src/main/core/pipeline/edit-session'
import { JobQueue } from '../../src/main/core/pipeline/job-queue'
import type { PipelineProgress } from '../../src/main/core/pipeline/progress'
import { restoreOperation } from '../../src/main/core/operations/restore/face-operation'
import { modelBackground } from '../../src/main/core/pipeline/background'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import { identityRestorer, negateRestorer } from '../fixtures/model-graphs'
import { goldenFaces } from '../helpers/golden-faces'
import { describeShared, modelPath, sharedPath } from '../helpers/shared-assets'
import { countingSession, loadStandIn, restorerEntry } from './restore-models'

function psnr(a: RgbImage, b: RgbImage): number {
  let se = 0
  for (let i = 0; i < a.data.length; i++) se += (a.data[i] - b.data[i]) ** 2
  const mse = se / a.data.length
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse)
}

describeShared('edit session', () => {
  let photo: DecodedPhoto
  let faces: Face[]
  let negate: Awaited<ReturnType<typeof loadStandIn>>
  let identity: Awaited<ReturnType<typeof loadStandIn>>

  beforeAll(async () => {
    photo = await decodePhoto(sharedPath('photos', 'gfpgan_old_family_783x1146.png'))
    faces = goldenFaces('gfpgan_old_family_783x1146.png')
    expect(faces.length).toBe(3)
    negate = await loadStandIn(negateRestorer(), restorerEntry('test-negate'))
    identity = await loadStandIn(identityRestorer(), restorerEntry('test-identity'))
  })
  afterAll(async () => {
    await negate?.session.dispose()
    await identity?.session.dispose()
  })

  it("an edit stays on its face: the neighbours' cores keep their exact pixels", async () => {
    const two = await decodePhoto(sharedPath('photos', 'old_scratched_two_faces_400x256.png'))
    const pair = goldenFaces('old_scratched_two_faces_400x256.png')
    const s = new EditSession(two, pair)
    await s.applyOperation(restoreOperation(negate), { faces: [1], strength: 1 })
    const out = s.compose()
    const [bx, by, bw, bh] = pair[0].box
    let changedInCore = 0
    for (let y = Math.ceil(by + 0.1 * bh); y < Math.floor(by + 0.9 * bh); y++)
      for (let x = Math.ceil(bx + 0.1 * bw); x < Math.floor(bx + 0.9 * bw); x++)
        for (let c = 0; c < 3; c++)
          if (out.data[(y * out.width + x) * 3 + c] !== two.image.data[(y * out.width + x) * 3 + c]) changedInCore++
    expect(changedInCore).toBe(0)
    // Face 1 itself is negated.
    const [cx, cy] = pair[1].landmarks[2]
    const i = (Math.round(cy) * out.width + Math.round(cx)) * 3
    expect(Math.abs(out.data[i] - (255 - two.image.data[i]))).toBeLessThan(40)
  })

  it('re-blends a strength change from the cached crop without running the model; undo/redo restore states', async () => {
    const original = photo.image.data.slice()
    const s = new EditSession(photo, faces)
    const events: PipelineProgress[] = []
    const layers = await s.applyOperation(restoreOperation(negate), {
      faces: [0, 2],
      strength: 1,
      onProgress: (e) => events.push(e)
    })
    expect(events.filter((e) => e.stage === 'face').map((e) => (e.stage === 'face' ? e.faceIndex : -1))).toEqual([0, 2])
    const runsAfter = negate.session.runs
    expect(layers.map((l) => l.faceIndex)).toEqual([0, 2])
    const full = s.compose()
    s.setStrength(layers[0].id, 0.3)
    const weak = s.compose()
    s.setEnabled(layers[1].id, false)
    const oneFace = s.compose()
    expect(negate.session.runs).toBe(runsAfter)
    expect(psnr(full, weak)).toBeLessThan(40)
    expect(psnr(weak, oneFace)).toBeLessThan(40)
    expect(s.undo()).toBe(true)
    expect(psnr(s.compose(), weak)).toBe(Infinity)
    expect(s.undo()).toBe(true)
    expect(psnr(s.compose(), full)).toBe(Infinity)
    expect(s.redo()).toBe(true)
    expect(psnr(s.compose(), weak)).toBe(Infinity)
    // Everything disabled gives the original back, and the original was never touched.
    s.setEnabled(
      layers.map((l) => l.id),
      false
    )
    expect(psnr(s.compose(), photo.image)).toBe(Infinity)
    expect(Buffer.compare(Buffer.from(photo.image.data), Buffer.from(original))).toBe(0)
    expect(s.provenance().operations).toEqual([])
    s.undo()
    expect(s.provenance().operations[0]).toMatchObject({
      op: 'restore',
      model: 'test-negate',
      params: { faces: [0, 2] }
    })
  })

  it('re-running an op on a face replaces its layer; a new step drops the redo branch', async () => {
    const s = new EditSession(photo, faces)
    await s.applyOperation(restoreOperation(negate), { faces: 'all' })
    const before = s.layers.map((l) => l.id)
    await s.applyOperation(restoreOperation(identity), { faces: [1] })
    expect(s.layers.length).toBe(3)
    expect(s.layers[1].model).toBe('test-identity')
    expect(s.layers[0].id).toBe(before[0])
    s.undo()
    s.setStrength(s.layers[0].id, 0.5)
    expect(s.canRedo).toBe(false)
    expect(() => s.setStrength(s.layers[0].id, 2)).toThrow(/0..1/)
    await expect(s.applyOperation(restoreOperation(identity), { faces: [5] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST'
    })
  })

  it('cancel stops within one model run and leaves the state unchanged', async () => {
    const s = new EditSession(photo, faces)
    const ac = new AbortController()
    const start = negate.session.runs
    negate.session.beforeRun = (n) => {
      if (n === start + 1) ac.abort()
    }
    try {
      await expect(s.applyOperation(restoreOperation(negate), { signal: ac.signal })).rejects.toMatchObject({
        code: 'CANCELLED'
      })
    } finally {
      negate.session.beforeRun = undefined
    }
    expect(negate.session.runs - start).toBe(1)
    expect(s.layers).toEqual([])
    expect(s.canUndo).toBe(false)
  })

  it('pastes at the upscaled size with the facexlib offset', async () => {
    const s = new EditSession(photo, faces)
    await s.applyOperation(restoreOperation(identity), { strength: 1 })
    await s.setOutputScale(2)
    const out = s.compose()
    expect([out.width, out.height]).toEqual([1566, 2292])
    const lanczos = await resizeRgb(photo.image, 1566, 2292, 'lanczos3')
    const p = psnr(out, lanczos)
    console.log(`identity at x2 vs Lanczos x2: PSNR ${p.toFixed(2)} dB`)
    expect(p).toBeGreaterThan(30)
    expect(s.provenance().operations.at(-1)).toEqual({ op: 'upscale', model: 'lanczos', params: { scale: 2 } })
  })

  it('a model background (real x4 upscaler, tiled) serves a x2 output and is computed once', async () => {
    const small = await decodePhoto(sharedPath('photos', 'old_scratched_two_faces_400x256.png'))
    const inner = await openSession(modelPath('realesr-animevideov3_x4.onnx'), { provider: 'cpu' })
    const up = {
      entry: {
        ...restorerEntry('realesr-animevideov3'),
        kind: 'upscaler' as const,
        family: 'realesrgan' as const,
        contract: undefined
      },
      path: 'x',
      session: countingSession(inner)
    }
    try {
      const ticks: PipelineProgress[] = []
      const s = new EditSession(small, goldenFaces('old_scratched_two_faces_400x256.png'))
      await s.applyOperation(restoreOperation(identity), { strength: 1 })
      await s.setOutputScale(2, modelBackground(up, { tile: 128 }), { onProgress: (e) => ticks.push(e) })
      expect(ticks.filter((e) => e.stage === 'tile').length).toBe(8)
      const runs = up.session.runs
      const out = s.compose()
      expect([out.width, out.height]).toEqual([800, 512])
      await s.setOutputScale(2, modelBackground(up, { tile: 128 }))
      s.setStrength(s.layers[0].id, 0.5)
      s.compose()
      expect(up.session.runs).toBe(runs)
      expect(s.provenance().operations.at(-1)).toEqual({
        op: 'upscale',
        model: 'realesr-animevideov3',
        params: { scale: 2 }
      })
    } finally {
      await inner.dispose()
    }
  })
})

describe('job queue', () => {
  it('runs one job at a time in order, cancels waiting and running jobs', async () => {
    const q = new JobQueue()
    const log: string[] = []
    const job =
      (name: string, ms: number) =>
      async ({ signal }: { signal: AbortSignal }) => {
        log.push(`start ${name}`)
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, ms)
          signal.addEventListener('abort', () => {
            clearTimeout(t)
            reject(new Error('aborted'))
          })
        })
        log.push(`end ${name}`)
        return name
      }
    const a = q.submit('a', job('a', 30))
    const b = q.submit('b', job('b', 10))
    const c = q.submit('c', job('c', 10))
    const cCancelled = expect(c).rejects.toMatchObject({ code: 'CANCELLED' })
    const d = q.submit('d', job('d', 1000))
    expect(q.cancel('c')).toBe(true)
    await expect(q.submit('a', job('x', 1))).rejects.toMatchObject({ code: 'BUSY' })
    expect(await a).toBe('a')
    expect(await b).toBe('b')
    await cCancelled
    setTimeout(() => q.cancel('d'), 20)
    await expect(d).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start d'])
    expect(q.cancel('zzz')).toBe(false)
  })
})
