import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadavg } from 'node:os'
import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { InvokeChannel, RequestOf, ResponseOf } from '../../src/shared/ipc/channels'
import type { EditState, JobProgress, ModelsOverview } from '../../src/shared/ipc/types'
import type { AppRuntime } from '../../src/main/app-services'
import { createEngine } from '../../src/main/core/engine'
import { decodePhoto } from '../../src/main/core/image/decode'
import { EditSession } from '../../src/main/core/pipeline/edit-session'
import { restoreOperation } from '../../src/main/core/operations/restore/face-operation'
import { detectFaces } from '../../src/main/core/stages/detect'
import { negateRestorer } from '../fixtures/model-graphs'
import { storeWithDetector } from '../helpers/models-dir'
import { dropToken, ipcCall, testAppRuntime } from '../helpers/app-runtime'
import { scriptedDialogs } from '../helpers/host-doubles'
import { describeShared, photoPath } from '../helpers/shared-assets'

/** The largest shared scan, upscaled to about 12 MP (what a flatbed scan of a print gives). */
const BIG_W = 2848
const BIG_H = 4216
/**
 * The issue's budget: main's event loop is never blocked longer than this during a job. A wall-clock gap also grows
 * with other processes' load, so it is printed here and judged in `npm run bench:heavy` (section ui). The test judges
 * a load-independent share instead: main's busy time against the CPU time the whole job used (all threads).
 */
const BUDGET_MS = 50
/** Main thread busy (event-loop active) time / process CPU time during the job. */
const MAX_MAIN_SHARE = 0.35

/** Starts counting main's event-loop active time and the process's CPU time; returns the share when called. */
function mainShare(): () => { activeMs: number; cpuMs: number; share: number } {
  const elu0 = performance.eventLoopUtilization()
  const cpu0 = process.cpuUsage()
  return () => {
    const elu = performance.eventLoopUtilization(elu0)
    const c = process.cpuUsage(cpu0)
    const cpuMs = (c.user + c.system) / 1000
    return { activeMs: elu.active, cpuMs, share: elu.active / cpuMs }
  }
}

let dir: string
let bigPhoto: string
let negateFile: string
let runtime: AppRuntime
const saveAnswers: string[] = []
const modelFileAnswers: string[] = []
const jobEvents: JobProgress[] = []

const call = <C extends InvokeChannel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> =>
  ipcCall(runtime, channel, payload)

const ms = (ns: number): number => Math.round(ns / 1e4) / 100

function figures(h: IntervalHistogram): { p50: number; p99: number; max: number; samples: number } {
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), samples: h.count }
}

/** Mean RGB of a square around (x, y) of an encoded image file. */
async function meanAround(file: string, x: number, y: number, r = 6): Promise<number[]> {
  const { data } = await sharp(file)
    .extract({ left: Math.round(x - r), top: Math.round(y - r), width: 2 * r, height: 2 * r })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  const sum = [0, 0, 0]
  for (let i = 0; i < data.length; i += 3) for (let c = 0; c < 3; c++) sum[c] += data[i + c]
  return sum.map((s) => s / (data.length / 3))
}

describeShared('main event loop while the editor works on a 12 MP photo (work in the pipeline worker)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-evloop-'))
    bigPhoto = join(dir, 'large_scan_12mp.jpg')
    await sharp(photoPath('gfpgan_large_scan_1297x1920.jpg'))
      .resize(BIG_W, BIG_H, { kernel: 'lanczos3' })
      .jpeg({ quality: 92 })
      .toFile(bigPhoto)
    const modelsDir = join(dir, 'models')
    await storeWithDetector(modelsDir)
    negateFile = join(dir, 'negate-standin.onnx')
    writeFileSync(negateFile, negateRestorer(512))
    runtime = testAppRuntime({
      dir,
      modelsDir,
      jobEvents,
      dialogs: scriptedDialogs([], saveAnswers, modelFileAnswers)
    })
  }, 120_000)

  afterAll(async () => {
    await runtime?.dispose()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it(
    'import, open, detect, restore all, re-blend, preview and export: the work runs off the main thread',
    { timeout: 300_000 },
    async () => {
      // GC pauses of this thread are counted by the monitor too; listed so a failure can be told apart from blocking.
      const gcPauses: number[] = []
      const gc = new PerformanceObserver((l) => l.getEntries().forEach((e) => gcPauses.push(e.duration)))
      gc.observe({ entryTypes: ['gc'] })
      const h = monitorEventLoopDelay({ resolution: 10 })
      h.enable()
      const share = mainShare()
      const t0 = performance.now()
      const steps: Record<string, number> = {}
      const stepMax: Record<string, number> = {}
      const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
        const t = performance.now()
        const v = await run()
        steps[name] = Math.round(performance.now() - t)
        stepMax[name] = ms(h.max)
        return v
      }

      // The stand-in restorer becomes a custom model (imported by the worker: checking it means loading it).
      modelFileAnswers.push(negateFile)
      const models = (await step('import model', () => call('importModel', { id: 'restorer' }))) as ModelsOverview
      const custom = models.models.find((m) => m.custom)
      expect(custom?.id).toBe('custom-negate-standin')

      const opened = await step('open', async () =>
        call('openDroppedPhoto', { token: await dropToken(runtime, bigPhoto) })
      )
      expect([opened.width, opened.height]).toEqual([BIG_W, BIG_H])
      const found = await step('detect', () => call('detectFaces', { photoId: opened.photoId }))
      expect(found.faces.length).toBe(2)
      await step('preview original', () =>
        call('getPreview', { photoId: opened.photoId, variant: 'original', maxSide: 1600 })
      )

      const restored: EditState = await step('restore all', () =>
        call('restoreFaces', {
          photoId: opened.photoId,
          jobId: 'jevloop0001',
          faces: 'all',
          model: custom!.id,
          strength: 1
        })
      )
      expect(restored.layers.map((l) => [l.faceIndex, l.strength])).toEqual([
        [0, 1],
        [1, 1]
      ])
      const reblended = await step('strength 0.6', () =>
        call('setLayerStrength', { photoId: opened.photoId, layerIds: restored.layers.map((l) => l.id), strength: 0.6 })
      )
      expect(reblended.layers.every((l) => l.strength === 0.6)).toBe(true)
      expect(reblended.revision).toBeGreaterThan(restored.revision)
      const toggled = await step('hide face 2', () =>
        call('setLayerEnabled', { photoId: opened.photoId, layerId: restored.layers[1].id, enabled: false })
      )
      expect(toggled.layers[1].enabled).toBe(false)
      const preview = await step('preview edited (full, 12 MP JPEG)', () =>
        call('getPreview', { photoId: opened.photoId, variant: 'edited' })
      )
      expect([preview.mime, preview.width, preview.height]).toEqual(['image/jpeg', BIG_W, BIG_H])
      await step('preview edited 2048', () =>
        call('getPreview', { photoId: opened.photoId, variant: 'edited', maxSide: 2048 })
      )

      const out = join(dir, 'export.png')
      saveAnswers.push(out)
      const exported = await step('export PNG', () =>
        call('exportPhoto', {
          photoId: opened.photoId,
          format: 'png',
          quality: 92,
          scale: 1,
          keepMetadata: true,
          provenance: true,
          beforeAfterSheet: false
        })
      )
      expect([exported?.width, exported?.height]).toEqual([BIG_W, BIG_H])
      const [fx, fy, fw] = found.faces[0].box
      const sheet = join(dir, 'sheet.jpg')
      saveAnswers.push(sheet)
      const crop: [number, number, number, number] = [fx - fw * 0.5, fy - fw * 0.5, fw * 2, fw * 2]
      const sheetResult = await step('export crop sheet', () =>
        call('exportPhoto', {
          photoId: opened.photoId,
          format: 'jpeg',
          quality: 90,
          scale: 1,
          keepMetadata: false,
          provenance: true,
          beforeAfterSheet: true,
          crop
        })
      )
      const cropW = Math.round(crop[0] + crop[2]) - Math.round(crop[0])
      expect(sheetResult?.width).toBe(cropW * 2 + 8)
      const total = Math.round(performance.now() - t0)
      h.disable()
      gc.disconnect()
      const main = share()

      const f = figures(h)
      console.log(
        `[event loop] main thread during the 12 MP editor run (${total} ms, ${f.samples} samples at 10 ms resolution): ` +
          `p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms (budget ${BUDGET_MS} ms, judged in bench:heavy)\n` +
          `[event loop] main busy ${Math.round(main.activeMs)} ms of ${Math.round(main.cpuMs)} ms process CPU: share ${main.share.toFixed(3)} (limit ${MAX_MAIN_SHARE})\n` +
          `[event loop] steps (ms): ${JSON.stringify(steps)}\n` +
          `[event loop] running max after each step (ms): ${JSON.stringify(stepMax)}\n` +
          `[event loop] context: longest GC pause ${Math.round(Math.max(0, ...gcPauses))} ms, load average ${loadavg()
            .map((v) => v.toFixed(1))
            .join(' ')} on this machine`
      )
      // Pixel and model work on main would make its busy time most of the process CPU (the control reads ~1); the
      // worker keeps it to IPC and message copies. Preemption by other processes stretches busy time a few times at
      // most, which the limit leaves room for; CPU time itself does not grow with load.
      expect(main.share).toBeLessThan(MAX_MAIN_SHARE)

      // The work really happened: face 1 negated at 60 %, face 2 hidden, elsewhere untouched; progress per face.
      const faceEvents = jobEvents.filter((e) => e.jobId === 'jevloop0001' && e.stage === 'face')
      expect(faceEvents.map((e) => e.index)).toEqual([1, 2])
      expect(jobEvents.some((e) => e.jobId === 'jevloop0001' && e.done)).toBe(true)
      const c0 = [fx + fw / 2, found.faces[0].box[1] + found.faces[0].box[3] / 2]
      const b1 = found.faces[1].box
      const c1 = [b1[0] + b1[2] / 2, b1[1] + b1[3] / 2]
      const orig0 = await meanAround(bigPhoto, c0[0], c0[1])
      const edit0 = await meanAround(out, c0[0], c0[1])
      // 60 % of the way to the negative: x -> 0.4 x + 0.6 (255 - x).
      orig0.forEach((v, c) => expect(Math.abs(edit0[c] - (0.4 * v + 0.6 * (255 - v)))).toBeLessThan(12))
      const orig1 = await meanAround(bigPhoto, c1[0], c1[1])
      const edit1 = await meanAround(out, c1[0], c1[1])
      orig1.forEach((v, c) => expect(Math.abs(edit1[c] - v)).toBeLessThan(4))
    }
  )

  it('control: the same edit run in this thread (the old main-process path) does block the loop', async () => {
    const engine = createEngine({ modelsDir: join(dir, 'models'), provider: 'cpu' })
    try {
      const h = monitorEventLoopDelay({ resolution: 10 })
      h.enable()
      const share = mainShare()
      const photo = await decodePhoto(bigPhoto)
      const faces = (await detectFaces(engine, photo.image)).faces
      const restorer = await engine.openModel({ file: negateFile, kind: 'restorer', family: 'gfpgan' })
      const session = new EditSession(photo, faces)
      await session.applyOperation(restoreOperation(restorer), { strength: 1 })
      session.setStrength(
        session.layers.map((l) => l.id),
        0.6
      )
      session.compose()
      // Let the monitor take the sample that covers the last synchronous stretch.
      await new Promise((r) => setTimeout(r, 30))
      h.disable()
      const main = share()
      const f = figures(h)
      console.log(
        `[event loop] control, same work in this thread: p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms; ` +
          `main busy ${Math.round(main.activeMs)} ms of ${Math.round(main.cpuMs)} ms process CPU: share ${main.share.toFixed(3)}`
      )
      expect(main.share).toBeGreaterThan(MAX_MAIN_SHARE)
    } finally {
      await engine.dispose()
    }
  }, 300_000)
})
