/**
 * `npm run bench:heavy` (not in CI, ~5-10 min on 2 cores): what a user meets with real-size models. Cost-equivalent
 * graphs (bench/heavy/graphs.ts) run through the app's own code paths — ort-adapter sessions, EditSession +
 * restoreOperation, ageFace, upscaleTiled — and each figure is printed beside session.run alone on the same graph.
 * Sections: sizes, load (cold / optimised-model cache), restore + age (first and warm per face, e2e/run ratio),
 * upscale + LaMa, runtime options A/B (threads, arena), cancel latency, main-thread longest task, peak RSS (a child
 * process with restorer + age + upscaler loaded). HEIRLOOM_HEAVY_QUICK=1 skips CodeFormer, StyleGANEX and LaMa;
 * HEIRLOOM_HEAVY_ONLY=restore,age,... picks sections.
 */
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Face, Landmarks5 } from '../../src/shared/faces'
import { boxOfPoints } from '../../src/main/core/geometry/boxes'
import { decodePhoto } from '../../src/main/core/image/decode'
import type { DecodedPhoto, RgbImage } from '../../src/main/core/image/types'
import { EditSession } from '../../src/main/core/pipeline/edit-session'
import { restoreOperation } from '../../src/main/core/operations/restore/face-operation'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import { SessionCache } from '../../src/main/core/runtime/session-cache'
import type { ModelSession, ProviderId, TensorData } from '../../src/main/core/runtime/types'
import { ageFace } from '../../src/main/core/stages/age/age-face'
import { broadcastToLayers } from '../../src/main/core/stages/age/latent'
import type { AgeModels } from '../../src/main/core/stages/age/types'
import { upscaleTiled } from '../../src/main/core/stages/upscale'
import { restorerEntry } from '../../tests/integration/restore-models'
import { HEAVY_IDS, heavyModel } from './graphs'
import { printTable, type Row } from './table'

const SHARED = resolve(process.env.HEIRLOOM_SHARED_DIR ?? join(__dirname, '..', '..', '..', 'shared'))
const QUICK = process.env.HEIRLOOM_HEAVY_QUICK === '1'
/** HEIRLOOM_HEAVY_PROVIDER=cuda|dml|coreml|webgpu runs every session on that provider (an explicit choice: no fallback). */
const PROVIDER = (process.env.HEIRLOOM_HEAVY_PROVIDER ?? 'cpu') as ProviderId
/** HEIRLOOM_HEAVY_ONLY=restore,cancel runs only those sections (names as in the table's first column). */
const ONLY = process.env.HEIRLOOM_HEAVY_ONLY?.split(',')
const want = (section: string): boolean => !ONLY || ONLY.includes(section)
const rows: Row[] = []
const note = (section: string, what: string, value: string, target = '', verdict = ''): void => {
  rows.push({ section, what, value, target, verdict })
  console.log(`  ${section} | ${what}: ${value}${target ? ` (target ${target}: ${verdict})` : ''}`)
}
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Wall and process CPU time (all threads) of one call. On a shared machine the wall figure grows with the load
 * and the CPU figure does not, so ratios are judged on CPU time and both are printed. */
interface Clock {
  wall: number
  cpu: number
}
async function clock(fn: () => Promise<unknown>): Promise<Clock> {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  await fn()
  const c = process.cpuUsage(c0)
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 }
}
const wc = (c: Clock): string => `${s(c.wall)} wall, ${s(c.cpu)} CPU`
const med = (cs: Clock[]): Clock => ({ wall: median(cs.map((c) => c.wall)), cpu: median(cs.map((c) => c.cpu)) })
function ratio(section: string, what: string, e2e: Clock, alone: Clock, target = '<= 1.05'): void {
  const r = e2e.cpu / alone.cpu
  note(
    section,
    `${what} e2e / run ratio (CPU; wall)`,
    `${r.toFixed(3)}; ${(e2e.wall / alone.wall).toFixed(3)}`,
    target,
    r <= 1.05 ? 'OK' : 'OVER'
  )
}

/** Sums the time spent inside run(): the model's share of an end-to-end call. */
function timed(session: ModelSession): { session: ModelSession; take(): number } {
  let spent = 0
  const wrapped: ModelSession = Object.create(session) as ModelSession
  Object.defineProperty(wrapped, 'run', {
    value: async (...args: Parameters<ModelSession['run']>) => {
      const t = performance.now()
      try {
        return await session.run(...args)
      } finally {
        spent += performance.now() - t
      }
    }
  })
  return {
    session: wrapped,
    take: () => {
      const v = spent
      spent = 0
      return v
    }
  }
}

function randomInput(dims: number[], lo = -1, hi = 1): TensorData {
  const n = dims.reduce((a, b) => a * b, 1)
  const data = new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = lo + ((hi - lo) * ((i * 2654435761) % 1000)) / 1000
  return { type: 'float32', data, dims }
}

async function runAlone(session: ModelSession, feeds: Record<string, TensorData>, n: number): Promise<Clock> {
  const cs: Clock[] = []
  for (let i = 0; i < n; i++) cs.push(await clock(() => session.run(feeds)))
  return med(cs)
}

async function photoFace(): Promise<{ photo: DecodedPhoto; img: RgbImage; face: Face }> {
  const photo = await decodePhoto(join(SHARED, 'photos', 'gfpgan_large_scan_1297x1920.jpg'))
  // The scan's first reference face (YuNet landmarks, as bench/restore.bench.ts).
  const landmarks: Landmarks5 = [
    [559, 854],
    [625, 851],
    [605, 894],
    [564, 916],
    [620, 913]
  ]
  return { photo, img: photo.image, face: { box: boxOfPoints(landmarks), score: 1, landmarks } }
}

function sizes(): void {
  console.log('\n== cost-equivalent graphs (generated into bench/.cache/heavy on first use) ==')
  for (const id of HEAVY_IDS) {
    const t = performance.now()
    const m = heavyModel(id)
    const gen = performance.now() - t
    console.log(
      `  ${id.padEnd(25)} ${(m.params / 1e6).toFixed(1).padStart(6)} M params  ${(m.bytes / 1e6).toFixed(0).padStart(5)} MB` +
        ` (published ~${m.targetMB} MB)  ${m.gmacs.toFixed(1).padStart(6)} GMACs  [${m.sizing}]${gen > 500 ? ` generated in ${s(gen)}` : ''}`
    )
  }
}

async function loads(): Promise<void> {
  console.log(`\n== load time (app adapter, ${PROVIDER}) ==`)
  for (const id of QUICK
    ? ['gfpgan-1.4', 'e4e-ffhq-encoder', 'stylegan2-ffhq-generator', 'real-esrgan-x4plus']
    : HEAVY_IDS) {
    const m = heavyModel(id)
    const cold = await clock(async () => (await openSession(m.path, { provider: PROVIDER })).dispose())
    const second = await clock(async () => (await openSession(m.path, { provider: PROVIDER })).dispose())
    note('load', `${id} open (first; second)`, `${wc(cold)}; ${wc(second)}`)
  }
}

async function restore(photo: DecodedPhoto, face: Face): Promise<void> {
  console.log('\n== restore, per face (EditSession + restoreOperation vs session.run alone) ==')
  const cases: { id: string; family: 'gfpgan' | 'codeformer'; weight: boolean }[] = [
    { id: 'gfpgan-1.4', family: 'gfpgan', weight: false },
    ...(QUICK ? [] : [{ id: 'codeformer', family: 'codeformer' as const, weight: true }])
  ]
  for (const c of cases) {
    const m = heavyModel(c.id)
    const raw = await openSession(m.path, { provider: PROVIDER })
    const t = timed(raw)
    const op = restoreOperation({
      entry: restorerEntry(c.id, c.family, 512, c.weight),
      path: m.path,
      session: t.session
    })
    let layerTimings: Record<string, number> = {}
    const perFace = (): Promise<Clock> =>
      clock(async () => {
        const es = new EditSession(photo, [face])
        const [layer] = await es.applyOperation(op)
        layerTimings = layer.timings
        es.compose()
      })
    const first = await perFace()
    const warm = med([await perFace(), await perFace()])
    t.take()
    const feeds: Record<string, TensorData> = { input: randomInput([1, 3, 512, 512]) }
    if (c.weight) feeds.weight = { type: 'float64', data: Float64Array.from([0.5]), dims: [1] }
    const alone = await runAlone(raw, feeds, 2)
    note('restore', `${c.id} first run per face`, wc(first))
    note('restore', `${c.id} warm per face (e2e)`, wc(warm))
    note('restore', `${c.id} session.run alone`, wc(alone))
    note(
      'restore',
      `${c.id} warm face, stage wall times`,
      Object.entries(layerTimings)
        .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
        .join(', ')
    )
    ratio('restore', c.id, warm, alone)
    await raw.dispose()
  }
}

async function age(img: RgbImage, face: Face): Promise<void> {
  console.log('\n== age, per face (ageFace vs session.run alone) ==')
  const enc = heavyModel('e4e-ffhq-encoder')
  const gen = heavyModel('stylegan2-ffhq-generator')
  const e = timed(await openSession(enc.path, { provider: PROVIDER }))
  const g = timed(await openSession(gen.path, { provider: PROVIDER }))
  const latent: AgeModels = {
    route: 'latent',
    encoder: { session: e.session, label: 'e4e' },
    generator: { session: g.session, label: 'stylegan2' },
    direction: broadcastToLayers(new Float32Array(512).fill(0.04), [1, 512], 'direction'),
    directionLabel: 'bench',
    calibration: { latentPerYear: 0.15, directionSign: 1 },
    layers: [0, 18]
  }
  const routes: { label: string; models: AgeModels; alone: () => Promise<Clock>; dispose: () => Promise<void> }[] = [
    {
      label: 'latent (e4e + StyleGAN2)',
      models: latent,
      alone: async () => {
        const a = await runAlone(e.session, { x: randomInput([1, 3, 256, 256]) }, 1)
        const b = await runAlone(g.session, { latent: randomInput([1, 18, 512], -0.5, 0.5) }, 1)
        return { wall: a.wall + b.wall, cpu: a.cpu + b.cpu }
      },
      dispose: async () => {
        await e.session.dispose()
        await g.session.dispose()
      }
    }
  ]
  for (const r of routes) await measureAge(r, img, face, () => e.take() + g.take())
  if (QUICK) return
  const sx = heavyModel('styleganex-age')
  const x = timed(await openSession(sx.path, { provider: PROVIDER }))
  await measureAge(
    {
      label: 'StyleGANEX-age',
      models: {
        route: 'styleganex',
        model: { session: x.session, label: 'sx' },
        calibration: { latentPerYear: 0.05, directionSign: -1 }
      },
      alone: () =>
        runAlone(
          x.session,
          {
            target: randomInput([1, 3, 256, 256]),
            target_with_background: randomInput([1, 3, 384, 384]),
            direction: { type: 'float32', data: Float32Array.from([1]), dims: [1] }
          },
          1
        ),
      dispose: () => x.session.dispose()
    },
    img,
    face,
    () => x.take()
  )
}

async function measureAge(
  r: { label: string; models: AgeModels; alone: () => Promise<Clock>; dispose: () => Promise<void> },
  img: RgbImage,
  face: Face,
  take: () => number
): Promise<void> {
  const once = (): Promise<Clock> =>
    clock(() => ageFace(r.models, img, face.landmarks, { amount: { kind: 'delta', years: 20 } }))
  // The app may refuse a graph shaped like the publisher's export: say so, and still time the graph itself.
  const tried = await once().then(
    (c) => ({ first: c, refused: undefined }),
    (e: unknown) => ({ first: undefined, refused: e instanceof Error ? e.message : String(e) })
  )
  const { first, refused } = tried
  if (refused || !first) {
    note('age', `${r.label} through ageFace`, `REFUSED: ${refused}`)
    take()
    note('age', `${r.label} session.run alone`, wc(await r.alone()))
    await r.dispose()
    return
  }
  const warm = await once()
  take()
  const alone = await r.alone()
  note('age', `${r.label} first run per face`, wc(first))
  note('age', `${r.label} warm per face (e2e)`, wc(warm))
  note('age', `${r.label} session.run alone`, wc(alone))
  ratio('age', r.label, warm, alone)
  await r.dispose()
}

async function upscaleAndLama(img: RgbImage): Promise<void> {
  console.log('\n== background upscaler (Real-ESRGAN x4plus) and LaMa 512 ==')
  const m = heavyModel('real-esrgan-x4plus')
  const up = timed(await openSession(m.path, { provider: PROVIDER }))
  const tile: RgbImage = { width: 64, height: 64, data: img.data.subarray(0, 64 * 64 * 3).slice() }
  const first = await clock(() => upscaleTiled(up.session, tile, { scale: 4, tile: 1000 }))
  const warm = await clock(() => upscaleTiled(up.session, tile, { scale: 4, tile: 1000 }))
  up.take()
  const alone = await runAlone(up.session, { input: randomInput([1, 3, 64, 64], 0, 1) }, 1)
  note('upscale', 'x4plus 64x64 tile first', wc(first))
  note('upscale', 'x4plus 64x64 tile warm', wc(warm))
  ratio('upscale', 'x4plus 64x64 tile', warm, alone)
  // The work grows with the input pixels: a 12 MP photo is 2930 tiles of this size (plus overlap).
  const hours = (warm.cpu * (4000 * 3000)) / (64 * 64) / 3.6e6
  note('upscale', 'x4plus 12 MP photo, CPU time by pixel count', `${hours.toFixed(1)} CPU-hours`)
  await up.session.dispose()
  if (QUICK) return
  const l = await openSession(heavyModel('lama-512').path, { provider: PROVIDER })
  const feeds = { image: randomInput([1, 3, 512, 512], 0, 1), mask: randomInput([1, 1, 512, 512], 0, 1) }
  note('lama', 'LaMa 512 first run (session.run)', wc(await runAlone(l, feeds, 1)))
  note('lama', 'LaMa 512 warm run (session.run)', wc(await runAlone(l, feeds, 1)))
  await l.dispose()
}

/** Cancel during a long run: when the caller sees CANCELLED, and when the CPU is free again. */
async function cancel(photo: DecodedPhoto, face: Face): Promise<void> {
  console.log('\n== cancel latency during a GFPGAN run ==')
  const m = heavyModel('gfpgan-1.4')
  const session = await openSession(m.path, { provider: PROVIDER })
  const op = restoreOperation({ entry: restorerEntry('gfpgan-1.4'), path: m.path, session })
  // Two faces: a cancel during the first face's run must stop the job before the second face's run.
  const es = new EditSession(photo, [face, face])
  const t = performance.now()
  await es.applyOperation(op)
  const full = (performance.now() - t) / 2
  const ac = new AbortController()
  const start = performance.now()
  const run = es.applyOperation(op, { signal: ac.signal }).then(
    () => 'finished',
    (e: unknown) => (e as { code?: string }).code ?? 'error'
  )
  const clickAt = start + full * 0.3
  setTimeout(() => ac.abort(), full * 0.3)
  const outcome = await run
  const seen = performance.now() - clickAt
  await session.unload?.() // waits for the native run to end
  const free = performance.now() - clickAt
  note('cancel', 'outcome', outcome)
  note('cancel', 'abort -> CANCELLED seen by caller', `${seen.toFixed(0)} ms`, '<= 100 ms', seen <= 100 ? 'OK' : 'OVER')
  note('cancel', 'abort -> CPU free (native run ends)', `${free.toFixed(0)} ms (one face is ${s(full)})`)
  await session.dispose()
}

/** Longest main-thread task while a heavy run goes on in a worker (as the app's pipeline worker) and inline. */
async function mainThread(): Promise<void> {
  console.log('\n== main-thread longest task during a heavy run ==')
  const m = heavyModel('gfpgan-1.4')
  const watch = (): { stop(): Promise<number> } => {
    let last = performance.now()
    let worst = 0
    const iv = setInterval(() => {
      const now = performance.now()
      worst = Math.max(worst, now - last)
      last = now
    }, 5)
    return {
      // One more timer turn first, so a task that blocked until now is counted.
      stop: async () => {
        await new Promise((r) => setTimeout(r, 20))
        clearInterval(iv)
        return worst
      }
    }
  }
  // What the same watch reads with nothing running here: the machine's own scheduling noise.
  const idle = watch()
  await new Promise((r) => setTimeout(r, 3000))
  note('ui', 'longest main-thread gap, idle (machine noise)', `${(await idle.stop()).toFixed(0)} ms`)
  // tsx's CommonJS hook inside the worker, as the app's bundled worker needs no loader.
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'run-worker.ts'))})`, {
    eval: true,
    workerData: { path: m.path, runs: 2 }
  })
  await new Promise<void>((res) => worker.once('message', () => res())) // loaded
  const w = watch()
  await new Promise<void>((res, rej) => {
    worker.once('message', () => res())
    worker.once('error', rej)
    worker.postMessage('go')
  })
  const inWorker = await w.stop()
  await worker.terminate()
  note(
    'ui',
    'longest main-thread task, model in a worker',
    `${inWorker.toFixed(0)} ms`,
    '<= 50 ms',
    inWorker <= 50 ? 'OK' : 'OVER'
  )
  const session = await openSession(m.path, { provider: PROVIDER })
  const feeds = { input: randomInput([1, 3, 512, 512]) }
  await session.run(feeds)
  const w2 = watch()
  await session.run(feeds)
  const inline = await w2.stop()
  note('ui', 'longest task, same run on this thread (for contrast)', `${inline.toFixed(0)} ms`)
  await session.dispose()
}

/** Runtime option A/B on GFPGAN: only what the figures support goes into ort-adapter. */
function options(): void {
  console.log('\n== runtime options A/B (GFPGAN, raw onnxruntime-node, child process each for clean peak RSS) ==')
  const optimised = heavyModel('gfpgan-1.4').path.replace(/\.onnx$/, '.optimised.onnx')
  rmSync(optimised, { force: true })
  const variants: Record<string, string> = {
    default: '{}',
    'intra 1 thread': '{"intraOpNumThreads":1}',
    'intra 2 threads (physical)': '{"intraOpNumThreads":2}',
    'arena + mem pattern off': '{"enableCpuMemArena":false,"enableMemPattern":false}',
    // ORT's pool threads spin-wait for work after a run; on a shared machine that spinning is CPU taken from others.
    'intra-op spinning off': JSON.stringify({ extra: { session: { intra_op: { allow_spinning: '0' } } } }),
    'optimise + save optimised model': JSON.stringify({ optimizedModelFilePath: optimised }),
    'load the saved optimised model (optimisation off)': JSON.stringify({
      graphOptimizationLevel: 'disabled',
      modelPath: optimised
    })
  }
  for (const [label, json] of Object.entries(variants)) {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'options-child.ts'), heavyModel('gfpgan-1.4').path, json],
      {
        encoding: 'utf8',
        timeout: 300_000
      }
    )
    const out = r.stdout.trim().split('\n').pop() ?? ''
    try {
      const o = JSON.parse(out) as { load: number; run: number; runCpu: number; runJsCpu: number; rss: number }
      note(
        'options',
        `${label}: load / warm run / peak RSS`,
        `${s(o.load)} / ${s(o.run)} (${s(o.runCpu)} CPU; +300 ms JS: ${s(o.runJsCpu)} CPU) / ${(o.rss / 1e6).toFixed(0)} MB`
      )
    } catch {
      note('options', label, `failed: ${r.stderr.slice(0, 200)}`)
    }
  }
}

/** What each cache policy keeps loaded after a session of restore + CodeFormer try + both age routes + upscale. */
async function cachePolicy(): Promise<void> {
  const order = [
    'gfpgan-1.4',
    'codeformer',
    'e4e-ffhq-encoder',
    'stylegan2-ffhq-generator',
    'styleganex-age',
    'real-esrgan-x4plus'
  ]
  const paths = order.map((id) => heavyModel(id).path)
  const kept = async (opts: { max: number; maxBytes?: number }): Promise<number> => {
    // Sessions that only mark themselves loaded/unloaded: the policy is judged on real file sizes, not on RAM.
    const cache = new SessionCache({
      ...opts,
      provider: 'cpu',
      open: (path) => {
        let loaded = true
        const fake = {
          inputNames: [],
          outputNames: [],
          inputs: [],
          outputs: [],
          provider: 'cpu' as const,
          get loaded() {
            return loaded
          },
          run: () => Promise.resolve({}),
          unload: () => {
            loaded = false
            return Promise.resolve()
          },
          dispose: () => Promise.resolve(),
          path
        }
        return Promise.resolve(fake)
      }
    })
    for (const p of paths) await cache.get(p)
    const bytes = cache.loadedBytes
    await cache.disposeAll()
    return bytes
  }
  const before = await kept({ max: 4, maxBytes: Infinity })
  const after = await kept({ max: 4 })
  note(
    'memory',
    'session cache after 6 heavy models: count limit 4 only',
    `${(before / 1e9).toFixed(2)} GB of models loaded`
  )
  note(
    'memory',
    'session cache, count 4 + 2 GiB byte limit (new default)',
    `${(after / 1e9).toFixed(2)} GB of models loaded`
  )
}

function peakRss(): void {
  console.log('\n== peak RSS: restorer + age + upscaler loaded together, each run once (child process) ==')
  const sets: Record<string, string[]> = {
    'GFPGAN + e4e + StyleGAN2 + x4plus': [
      'gfpgan-1.4',
      'e4e-ffhq-encoder',
      'stylegan2-ffhq-generator',
      'real-esrgan-x4plus'
    ],
    ...(QUICK ? {} : { 'GFPGAN + StyleGANEX + x4plus': ['gfpgan-1.4', 'styleganex-age', 'real-esrgan-x4plus'] })
  }
  for (const [label, ids] of Object.entries(sets)) {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'rss-child.ts'), ...ids.map((id) => heavyModel(id).path)],
      {
        encoding: 'utf8',
        timeout: 300_000
      }
    )
    const out = r.stdout.trim().split('\n').pop() ?? ''
    try {
      const o = JSON.parse(out) as { loaded: number; peak: number; files: number }
      note(
        'memory',
        `${label}: files / RSS loaded / peak RSS`,
        `${(o.files / 1e6).toFixed(0)} MB / ${(o.loaded / 1e6).toFixed(0)} MB / ${(o.peak / 1e6).toFixed(0)} MB`
      )
    } catch {
      note('memory', label, `failed: ${r.stderr.slice(0, 300)}`)
    }
  }
}

async function main(): Promise<void> {
  const t0 = performance.now()
  console.log(
    `heavy bench: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at start, provider ${PROVIDER}${QUICK ? ', QUICK' : ''}`
  )
  sizes()
  const { photo, img, face } = await photoFace()
  if (want('load')) await loads()
  if (want('restore')) await restore(photo, face)
  if (want('age')) await age(img, face)
  if (want('upscale')) await upscaleAndLama(img)
  if (want('cancel')) await cancel(photo, face)
  if (want('ui')) await mainThread()
  if (want('options')) options()
  if (want('memory')) {
    await cachePolicy()
    peakRss()
  }
  const la = loadavg()[0]
  printTable(rows)
  console.log(
    `\ntotal ${s(performance.now() - t0)}; load average at end ${la.toFixed(2)} on ${cpus().length} cores` +
      (la > cpus().length ? ' (BUSY machine: wall-clock figures are inflated)' : '')
  )
}

void main()
