import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../src/main/core/engine'
import { toAppError } from '../../src/main/core/errors'
import { decodePhoto } from '../../src/main/core/image/decode'
import { ModelStore } from '../../src/main/core/models/store'
import { restorePhoto } from '../../src/main/core/pipeline/restore-photo'
import type { Face } from '../../src/shared/faces'
import type { Manifest } from '../../src/shared/model-manifest'
import { loadManifest } from '../../src/main/core/models/manifest'
import { identityRestorer, wrongShapeRestorer, writeGraph } from '../fixtures/model-graphs'
import { photoPath, describeShared } from '../helpers/shared-assets'
import { runtimeFailingRestorer } from './support/graphs'
import { codeOf } from '../helpers/heirloom-errors'
import { serveLocally } from '../helpers/local-http'

let root: string
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

/** Every file under the store folder, relative; a corrupt import or download must leave nothing here. */
function storeFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort()
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'heirloom-rel-models-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('bad model files: one code each, nothing corrupt kept', () => {
  let files: Record<string, string>
  let engine: Engine
  let storeDir: string

  beforeAll(() => {
    const dir = join(root, 'files')
    const good = identityRestorer(512)
    files = {
      notOnnx: writeGraph(
        dir,
        'not-a-model.onnx',
        new TextEncoder().encode('{"this is": "json, not protobuf"}\n'.repeat(40))
      ),
      truncated: writeGraph(dir, 'truncated.onnx', good.subarray(0, Math.floor(good.length * 0.6))),
      wrongContract: writeGraph(dir, 'wrong-contract.onnx', wrongShapeRestorer(256)),
      throwsAtRun: writeGraph(dir, 'throws.onnx', runtimeFailingRestorer(512))
    }
    storeDir = join(root, 'store')
    engine = createEngine({ modelsDir: storeDir, provider: 'cpu' })
  })
  afterAll(async () => engine.dispose())

  it('opening: MODEL_INVALID, MODEL_INVALID, MODEL_CONTRACT; the bad run: MODEL_RUNTIME', async () => {
    const open = (file: string): Promise<unknown> => engine.openModel({ file, kind: 'restorer', family: 'gfpgan' })
    const got = {
      notOnnx: await codeOf(open(files.notOnnx)),
      truncated: await codeOf(open(files.truncated)),
      wrongContract: await codeOf(open(files.wrongContract)),
      missing: await codeOf(open(join(root, 'files', 'nope.onnx')))
    }
    console.log(`[reliability] bad model open codes: ${JSON.stringify(got)}`)
    expect(got).toEqual({
      notOnnx: 'MODEL_INVALID',
      truncated: 'MODEL_INVALID',
      wrongContract: 'MODEL_CONTRACT',
      missing: 'MODEL_MISSING'
    })
    const err = await open(files.wrongContract).catch((e: unknown) => toAppError(e))
    // The message names what was expected and what was found.
    expect((err as { message: string }).message).toMatch(/512/)
    expect((err as { message: string }).message).toMatch(/256/)
  })

  describeShared('with a real photo', () => {
    it('a model that throws inside its run gives MODEL_RUNTIME from the restore pipeline, and the photo is untouched', async () => {
      const restorer = await engine.openModel({ file: files.throwsAtRun, kind: 'restorer', family: 'gfpgan' })
      const photo = await decodePhoto(photoPath('old_scratched_boy_256x256.png'))
      const before = sha(photo.image.data)
      const face: Face = {
        box: [70, 60, 110, 130],
        score: 1,
        landmarks: [
          [105, 110],
          [145, 110],
          [125, 135],
          [108, 160],
          [142, 160]
        ]
      }
      const err = await restorePhoto({ restorer }, photo, { faceList: [face] }).catch((e: unknown) => e)
      expect(toAppError(err).code).toBe('MODEL_RUNTIME')
      expect(toAppError(err).message).toMatch(/throws\.onnx/)
      expect(sha(photo.image.data)).toBe(before)
    })
  })

  it('importing bad files keeps nothing in the store', async () => {
    const store = new ModelStore({ dir: join(root, 'import-store') })
    const codes = []
    for (const f of [files.notOnnx, files.truncated, files.wrongContract])
      codes.push(await codeOf(store.importFile('restorer', f)))
    // A manifest id with a pinned SHA-256 refuses any other bytes.
    codes.push(await codeOf(store.importFile('yunet-2023mar', files.wrongContract)))
    expect(codes).toEqual(['MODEL_INVALID', 'MODEL_INVALID', 'MODEL_CONTRACT', 'MODEL_INVALID'])
    expect(storeFiles(store.dir).filter((f) => f !== 'custom.json')).toEqual([])
    expect(store.list().filter((m) => m.custom)).toEqual([])
    expect(store.isInstalled('yunet-2023mar')).toBe(false)
  })
})

/** A model server on 127.0.0.1 whose misbehaviour is scripted per request. */
interface Scripted {
  url: string
  requests: { path: string; range?: string }[]
  close(): Promise<void>
}

async function modelServer(
  routes: Record<
    string,
    (
      req: IncomingMessage,
      n: number
    ) => { status: number; headers: Record<string, string>; body: Uint8Array; cutAt?: number }
  >
): Promise<Scripted> {
  const requests: Scripted['requests'] = []
  const counts = new Map<string, number>()
  const server = await serveLocally((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const n = (counts.get(path) ?? 0) + 1
    counts.set(path, n)
    requests.push({ path, ...(req.headers.range ? { range: req.headers.range } : {}) })
    const route = routes[path]
    if (!route) {
      res.writeHead(404).end()
      return
    }
    const r = route(req, n)
    res.writeHead(r.status, r.headers)
    if (r.cutAt !== undefined) {
      // Send part of the promised body, then drop the connection: a download that stops half-way.
      res.write(r.body.subarray(0, r.cutAt), () => setTimeout(() => res.socket?.destroy(), 20))
      return
    }
    res.end(r.body)
  })
  return { url: server.base, requests, close: () => server.close() }
}

/** 200 for the whole file, 206 for a `bytes=N-` range. */
function serveRange(
  body: Uint8Array,
  req: IncomingMessage
): { status: number; headers: Record<string, string>; body: Uint8Array } {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
  if (!m) return { status: 200, headers: { 'content-length': String(body.length) }, body }
  const from = Number(m[1])
  const part = body.subarray(from)
  return {
    status: 206,
    headers: {
      'content-length': String(part.length),
      'content-range': `bytes ${from}-${body.length - 1}/${body.length}`
    },
    body: part
  }
}

describe('model downloads (local server on 127.0.0.1 only)', () => {
  const model = identityRestorer(64)
  const other = identityRestorer(32)
  let server: Scripted
  let manifest: Manifest

  const entry = (id: string, path: string): Manifest['models'][number] => ({
    ...loadManifest().models.find((m) => m.id === 'gfpgan-1.4')!,
    id,
    name: `test ${id}`,
    file: `${id}.onnx`,
    sha256: sha(model),
    size: model.length,
    urls: [`${server.url}${path}`],
    contract: undefined,
    publisherHash: undefined
  })

  beforeAll(async () => {
    server = await modelServer({
      '/good.onnx': (req) => serveRange(model, req),
      '/corrupt.onnx': (req) => serveRange(other, req),
      // First request stops half-way; later ones honour Range.
      '/flaky.onnx': (req, n) =>
        n === 1 ? { ...serveRange(model, req), cutAt: Math.floor(model.length / 2) } : serveRange(model, req),
      '/flaky2.onnx': (req, n) =>
        n === 1 ? { ...serveRange(model, req), cutAt: Math.floor(model.length / 3) } : serveRange(model, req),
      // Resumes onto a .part that holds wrong bytes: the resumed file fails its hash once, then a clean restart wins.
      '/spliced.onnx': (req) => serveRange(model, req)
    })
    manifest = {
      version: 1,
      models: [
        entry('m-corrupt', '/corrupt.onnx'),
        entry('m-flaky', '/flaky.onnx'),
        entry('m-flaky2', '/flaky2.onnx'),
        entry('m-spliced', '/spliced.onnx')
      ]
    }
  })
  afterAll(async () => server.close())

  it('a checksum mismatch is DOWNLOAD_FAILED and leaves no file, not even a .part', async () => {
    const store = new ModelStore({ dir: join(root, 'dl-corrupt'), manifest })
    const code = await codeOf(store.fetch('m-corrupt', { retries: 0, backoffMs: 1 }))
    expect(code).toBe('DOWNLOAD_FAILED')
    expect(storeFiles(store.dir)).toEqual([])
    expect(store.status('m-corrupt').state).toBe('missing')
  })

  it('a download that stops half-way is DOWNLOAD_FAILED with only a .part; the next fetch resumes it and verifies', async () => {
    const store = new ModelStore({ dir: join(root, 'dl-flaky'), manifest })
    const code = await codeOf(store.fetch('m-flaky', { retries: 0, backoffMs: 1 }))
    expect(code).toBe('DOWNLOAD_FAILED')
    expect(storeFiles(store.dir)).toEqual(['m-flaky.onnx.part'])
    expect(store.status('m-flaky').state).toBe('partial')
    const half = readFileSync(join(store.dir, 'm-flaky.onnx.part')).length
    expect(half).toBeGreaterThan(0)
    expect(half).toBeLessThan(model.length)

    const path = await store.fetch('m-flaky', { retries: 0, backoffMs: 1 })
    const resumed = server.requests.filter((r) => r.path === '/flaky.onnx')
    expect(resumed.map((r) => r.range)).toEqual([undefined, `bytes=${half}-`])
    expect(sha(readFileSync(path))).toBe(sha(model))
    expect(storeFiles(store.dir)).toEqual(['m-flaky.onnx', 'm-flaky.onnx.sha256'])
    expect(store.status('m-flaky').state).toBe('installed')
    expect(await store.verify('m-flaky')).toBe(true)
    console.log(`[reliability] download cut at ${half}/${model.length} bytes, resumed with Range and verified`)
  })

  it('with retries, one fetch survives the cut by resuming in place', async () => {
    const store = new ModelStore({ dir: join(root, 'dl-flaky2'), manifest })
    const path = await store.fetch('m-flaky2', { retries: 2, backoffMs: 1 })
    expect(sha(readFileSync(path))).toBe(sha(model))
    expect(server.requests.filter((r) => r.path === '/flaky2.onnx').some((r) => r.range?.startsWith('bytes='))).toBe(
      true
    )
  })

  it('a resumed file that does not hash right is thrown away and fetched clean, never installed', async () => {
    const store = new ModelStore({ dir: join(root, 'dl-spliced'), manifest })
    await store.fetch('m-corrupt', { retries: 0 }).catch(() => undefined)
    // A stale .part whose bytes are not this file's beginning.
    writeFileSync(join(store.dir, 'm-spliced.onnx.part'), Buffer.alloc(100, 0xab))
    const path = await store.fetch('m-spliced', { retries: 1, backoffMs: 1 })
    expect(sha(readFileSync(path))).toBe(sha(model))
    const reqs = server.requests.filter((r) => r.path === '/spliced.onnx')
    expect(reqs.map((r) => r.range)).toEqual(['bytes=100-', undefined])
    expect(await store.verify('m-spliced')).toBe(true)
  })

  it('the engine surfaces a failed auto-download as DOWNLOAD_FAILED and keeps no model file', async () => {
    const dir = join(root, 'dl-engine')
    const store = new ModelStore({ dir, manifest })
    const engine = createEngine({ store, autoDownload: true, provider: 'cpu' })
    try {
      // The engine fetches with default retries; the corrupt route fails its hash every time (fatal, no retry).
      expect(await codeOf(engine.openModel({ id: 'm-corrupt' }))).toBe('DOWNLOAD_FAILED')
      expect(storeFiles(dir)).toEqual([])
    } finally {
      await engine.dispose()
    }
  })
})
