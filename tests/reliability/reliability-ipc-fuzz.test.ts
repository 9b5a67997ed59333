import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppRuntime, type AppRuntime } from '../../src/main/app-services'
import { createDispatcher, type Dispatcher, type HandlerMap } from '../../src/main/ipc/dispatch'
import { createHandlers } from '../../src/main/ipc/handlers'
import { requestSchemas } from '../../src/shared/ipc/schemas'
import { scriptedDialogs, recordingShell } from '../helpers/host-doubles'
import { type FuzzChannel, malformedPayload, seededRng } from './support/ipc-fuzz'

const APP_URL = 'app://heirloom/index.html'
const trusted = { url: APP_URL, isMainFrame: true }
const PAYLOADS_PER_CHANNEL = 1000

const pid = 'p0123456789abcdef'
const job = 'jabc1234'

/** One valid request per channel; the fuzzer breaks them. A new channel without a template fails the suite. */
const TEMPLATES: Record<string, Record<string, unknown> | undefined> = {
  appInfo: undefined,
  openPhotoDialog: undefined,
  registerDrops: { paths: ['/tmp/photo.jpg'] },
  openDroppedPhoto: { token: 'd0123456789abcdef0123456789abcdef' },
  getPreview: { photoId: pid, variant: 'original', maxSide: 512 },
  getRegion: { photoId: pid, variant: 'original', rect: [0, 0, 64, 64] },
  listFaces: { photoId: pid },
  detectFaces: { photoId: pid, detector: 'yunet-2023mar', minScore: 0.5 },
  closePhoto: { photoId: pid },
  openRecent: { index: 0 },
  getEditState: { photoId: pid },
  addFaceBox: { photoId: pid, box: [10, 10, 50, 60] },
  deleteFace: { photoId: pid, index: 0 },
  restoreFaces: {
    photoId: pid,
    jobId: job,
    faces: 'all',
    model: 'gfpgan-1.4',
    strength: 1,
    fidelity: 0.5,
    outputScale: 1,
    backgroundUpscaler: null
  },
  ageFaces: {
    photoId: pid,
    jobId: job,
    faces: [0],
    route: 'latent',
    model: 'e4e-ffhq-encoder',
    years: 10,
    targetAge: 60,
    strength: 1,
    restoreAfter: false,
    restoreModel: 'gfpgan-1.4'
  },
  listAgeRoutes: undefined,
  setLayerStrength: { photoId: pid, layerIds: ['l1'], strength: 0.5 },
  setLayerEnabled: { photoId: pid, layerId: 'l1', enabled: true },
  undo: { photoId: pid },
  redo: { photoId: pid },
  gotoStep: { photoId: pid, index: 0 },
  cancelJob: { jobId: job },
  exportPhoto: {
    photoId: pid,
    format: 'png',
    quality: 90,
    scale: 1,
    keepMetadata: true,
    provenance: true,
    beforeAfterSheet: false,
    crop: [0, 0, 10, 10]
  },
  listModels: undefined,
  downloadModel: { id: 'gfpgan-1.4', jobId: job, acceptLicense: true },
  importModel: { id: 'gfpgan-1.4' },
  verifyModel: { id: 'gfpgan-1.4' },
  inspectModel: { id: 'gfpgan-1.4' },
  removeModel: { id: 'gfpgan-1.4' },
  chooseBatchInput: { recursive: true },
  openDroppedFolder: { token: 'd0123456789abcdef0123456789abcdef', recursive: false },
  chooseOutputFolder: undefined,
  runBatch: {
    jobId: job,
    recursive: false,
    operation: 'restore',
    model: 'gfpgan-1.4',
    strength: 1,
    fidelity: 0.5,
    format: 'same',
    aspect: '1:1'
  },
  pauseBatch: { jobId: job, paused: true },
  openOutputFolder: undefined,
  getSettings: undefined,
  updateSettings: {
    provider: 'cpu',
    theme: 'dark',
    defaultRestorer: 'gfpgan-1.4',
    defaultUpscaler: 'real-esrgan-x2plus'
  },
  getCredentials: { photoId: pid },
  watchQueue: { redisUrl: 'redis://127.0.0.1:9', queue: 'heirloom' },
  // 'age' has required params, so an empty object is malformed too (checked against the registry's schema).
  applyOperation: {
    photoId: pid,
    jobId: job,
    op: 'age',
    faces: 'all',
    strength: 1,
    params: { choice: {}, amount: { kind: 'delta', years: 10 } }
  },
  detectDamage: { photoId: pid, sensitivity: 0.5 },
  repairMask: { photoId: pid }
}

const CHANNELS = Object.keys(requestSchemas)
const schemaOf = (c: string): FuzzChannel['schema'] =>
  (requestSchemas as unknown as Record<string, FuzzChannel['schema']>)[c]

let dir: string
let runtime: AppRuntime
let counted: Dispatcher
const calls = new Map<string, number>()
const shellCalls: string[] = []
const dialogCalls: string[] = []

/** Snapshot of what prototype pollution would change. */
function protoState(): string {
  const names = (o: object): string => Object.getOwnPropertyNames(o).sort().join(',')
  return [
    names(Object.prototype),
    names(Array.prototype),
    names(Function.prototype),
    String(({} as Record<string, unknown>).polluted),
    String(({} as Record<string, unknown>).isAdmin)
  ].join('|')
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'heirloom-rel-fuzz-'))
  runtime = createAppRuntime({
    modelsDir: join(dir, 'models'),
    userDataDir: join(dir, 'userdata'),
    isTrustedSender: (url) => url === APP_URL,
    emit: () => undefined,
    dialogs: scriptedDialogs(dialogCalls),
    shell: recordingShell(shellCalls)
  })
  // The real handlers over the real services, each wrapped to count how often validation let a request through.
  const real = createHandlers(runtime.services) as unknown as Record<string, (req: unknown) => unknown>
  const wrapped: Record<string, (req: unknown) => unknown> = {}
  for (const [name, fn] of Object.entries(real)) {
    wrapped[name] = (req) => {
      calls.set(name, (calls.get(name) ?? 0) + 1)
      return fn(req)
    }
  }
  counted = createDispatcher(wrapped as unknown as HandlerMap, { isTrustedSender: (s) => s.url === APP_URL })
})

afterAll(async () => {
  await runtime.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('IPC fuzzing through the real dispatcher and handlers', () => {
  it('has a valid template for every channel of the contract', () => {
    const missing = CHANNELS.filter((c) => !(c in TEMPLATES))
    expect(missing, 'add a fuzz template for these channels').toEqual([])
    for (const c of CHANNELS) expect(schemaOf(c).safeParse(TEMPLATES[c]).success, `template for ${c}`).toBe(true)
  })

  it(`rejects ${PAYLOADS_PER_CHANNEL} malformed payloads per channel with INVALID_REQUEST; no handler runs; nothing polluted`, async () => {
    const before = protoState()
    const unhandled: unknown[] = []
    const onUnhandled = (e: unknown): void => void unhandled.push(e)
    process.on('unhandledRejection', onUnhandled)
    const t0 = performance.now()
    const labels = new Map<string, number>()
    let total = 0
    try {
      for (const [ci, channel] of CHANNELS.entries()) {
        const rng = seededRng(0x5eed + ci)
        const ch: FuzzChannel = { name: channel, template: TEMPLATES[channel], schema: schemaOf(channel) }
        for (let i = 0; i < PAYLOADS_PER_CHANNEL; i++) {
          const { label, payload } = malformedPayload(rng, ch)
          labels.set(label.split(' ')[0], (labels.get(label.split(' ')[0]) ?? 0) + 1)
          const r = await counted.dispatch(channel, payload, trusted)
          total++
          if (r.ok || r.error.code !== 'INVALID_REQUEST') {
            throw new Error(`${channel} #${i} (${label}) was not rejected: ${JSON.stringify(r).slice(0, 300)}`)
          }
          // A short, fixed message: never an echo of a huge payload, never a stack.
          expect(r.error.message.length).toBeLessThan(400)
          expect(r.error.message).not.toMatch(/\n\s+at /)
        }
      }
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
    const ms = performance.now() - t0
    console.log(
      `[reliability] IPC fuzz: ${total} malformed payloads over ${CHANNELS.length} channels in ${(ms / 1000).toFixed(1)} s; ` +
        `handler calls ${[...calls.values()].reduce((a, b) => a + b, 0)}; kinds ${JSON.stringify(Object.fromEntries(labels))}`
    )
    expect(total).toBe(CHANNELS.length * PAYLOADS_PER_CHANNEL)
    expect([...calls.entries()]).toEqual([])
    expect(shellCalls).toEqual([])
    expect(dialogCalls).toEqual([])
    expect(unhandled).toEqual([])
    expect(protoState()).toBe(before)
  }, 120_000)

  it('the production dispatcher gives the same answers and stays up', async () => {
    const before = protoState()
    let n = 0
    for (const [ci, channel] of CHANNELS.entries()) {
      const rng = seededRng(0xbad + ci)
      const ch: FuzzChannel = { name: channel, template: TEMPLATES[channel], schema: schemaOf(channel) }
      for (let i = 0; i < 100; i++) {
        const { payload } = malformedPayload(rng, ch)
        const r = await runtime.dispatcher.dispatch(channel, payload, trusted)
        expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
        n++
      }
    }
    expect(protoState()).toBe(before)
    // Still answering.
    const info = await runtime.dispatcher.dispatch('appInfo', undefined, trusted)
    expect(info.ok).toBe(true)
    console.log(`[reliability] production dispatcher: ${n} malformed payloads rejected, appInfo still answers`)
  })

  it('refuses untrusted senders and subframes before validation, on every channel', async () => {
    for (const channel of CHANNELS) {
      for (const sender of [
        { url: 'https://evil.example/', isMainFrame: true },
        { url: APP_URL, isMainFrame: false },
        { url: `${APP_URL}.evil`, isMainFrame: true },
        { url: '', isMainFrame: true }
      ]) {
        const r = await counted.dispatch(channel, TEMPLATES[channel], sender)
        expect(r, `${channel} from ${sender.url}`).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      }
    }
    for (const name of [
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'heirloom:appInfo',
      '',
      'x'.repeat(10_000)
    ]) {
      expect(await counted.dispatch(name, undefined, trusted)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REQUEST' }
      })
    }
    expect([...calls.entries()]).toEqual([])
  })

  it("applyOperation 'repair': hostile params are refused by the operation's schema before any handler", async () => {
    const before = protoState()
    const base = { photoId: pid, jobId: job, op: 'repair' }
    const hostile: unknown[] = [
      {},
      { method: 'classic', mask: 'auto' },
      { method: 'classic', mask: 'auto', sensitivity: Number.NaN },
      { method: 'classic', mask: 'auto', sensitivity: 2 },
      { method: 'opencv', mask: 'auto', sensitivity: 0.5 },
      { method: 'classic', mask: '/etc/passwd', sensitivity: 0.5 },
      { method: 'classic', mask: Array.from({ length: 64 }, () => 255), sensitivity: 0.5 },
      { method: 'classic', mask: new Uint8Array(0), sensitivity: 0.5 },
      { method: 'classic', mask: new Uint8Array(64 * 1024 * 1024 + 1), sensitivity: 0.5 },
      { method: 'classic', mask: { length: 4, 0: 137 }, sensitivity: 0.5 },
      { method: 'lama', mask: 'auto', sensitivity: 0.5, modelFile: '/tmp/lama.onnx' },
      { method: 'classic', mask: 'auto', sensitivity: 0.5, force: 'yes' },
      JSON.parse('{"method":"classic","mask":"auto","sensitivity":0.5,"__proto__":{"polluted":1}}'),
      { method: 'classic', mask: 'auto', sensitivity: 0.5, constructor: { prototype: { isAdmin: true } } }
    ]
    for (const [i, params] of hostile.entries()) {
      const t0 = process.cpuUsage()
      const r = await counted.dispatch('applyOperation', { ...base, params }, trusted)
      expect(r, `hostile repair params #${i}`).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
      if (!r.ok) expect(r.error.message.length).toBeLessThan(400)
      // Refused without walking the bytes (a 64 MB mask is checked by its length, not byte by byte).
      const cpu = process.cpuUsage(t0)
      expect((cpu.user + cpu.system) / 1000, `CPU ms for #${i}`).toBeLessThan(200)
    }
    // A photo edit takes no faces or strength.
    const withFaces = { ...base, faces: 'all', params: { method: 'classic', mask: 'auto', sensitivity: 0.5 } }
    expect(await counted.dispatch('applyOperation', withFaces, trusted)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' }
    })
    expect([...calls.entries()]).toEqual([])
    expect(protoState()).toBe(before)
  })

  it('a well-formed id the user never opened is FORBIDDEN on every photo channel', async () => {
    const rng = seededRng(42)
    const photoChannels = CHANNELS.filter((c) => TEMPLATES[c] && 'photoId' in TEMPLATES[c])
    const codes: Record<string, string> = {}
    for (const channel of photoChannels) {
      for (let i = 0; i < 20; i++) {
        const id = `p${Array.from({ length: 16 }, () => Math.floor(rng() * 16).toString(16)).join('')}`
        const r = await counted.dispatch(channel, { ...TEMPLATES[channel], photoId: id }, trusted)
        codes[channel] = r.ok ? 'OK' : r.error.code
        // Closing what is not open is a harmless no-op; everything else must refuse.
        if (channel === 'closePhoto') expect(r).toEqual({ ok: true, value: undefined })
        else expect(r, `${channel} with ${id}`).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      }
    }
    console.log(`[reliability] never-opened photo ids: ${JSON.stringify(codes)}`)
    expect(Object.keys(codes).length).toBeGreaterThan(10)
  })
})
