import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Manifest, ManifestEntry } from '../../src/shared/model-manifest'
import { toAppError } from '../../src/main/core/errors'
import { createEngine } from '../../src/main/core/engine'
import { loadManifest } from '../../src/main/core/models/manifest'
import { ModelStore } from '../../src/main/core/models/store'
import { codeformerLike, identityRestorer, writeGraph, wrongShapeRestorer } from '../fixtures/model-graphs'
import { describeShared, modelPath } from '../helpers/shared-assets'
import { failure } from '../helpers/heirloom-errors'
import { serveLocally, type LocalServer } from '../helpers/local-http'

const work = mkdtempSync(join(tmpdir(), 'heirloom-store-'))
const fixtures = join(work, 'fixtures')
const restorerBytes = identityRestorer(512)
const restorerCrc = (crc32(restorerBytes) >>> 0).toString(16).padStart(8, '0')
let server: LocalServer
let base = ''

beforeAll(async () => {
  server = await serveLocally((req, res) => {
    if (req.url === '/gfpgan.onnx')
      res.writeHead(200, { 'content-length': String(restorerBytes.length) }).end(restorerBytes)
    else if (req.url === '/gfpgan.hash') res.writeHead(200).end(`${restorerCrc}\n`)
    else res.writeHead(404).end()
  })
  base = server.base
})
afterAll(() => server.close())

/** The real manifest with the GFPGAN 1.4 entry pointed at the local server. */
function localManifest(): Manifest {
  const real = loadManifest()
  const models = real.models.map((m): ManifestEntry =>
    m.id === 'gfpgan-1.4'
      ? { ...m, urls: [`${base}/gfpgan.onnx`], publisherHash: { algorithm: 'crc32', url: `${base}/gfpgan.hash` } }
      : m
  )
  return { ...real, models }
}

describe('ModelStore', () => {
  it('lists every manifest model as missing in an empty dir', () => {
    const store = new ModelStore({ dir: join(work, 'empty') })
    const list = store.list()
    expect(list.length).toBe(store.manifest.models.length)
    expect(list.every((m) => m.state === 'missing')).toBe(true)
    expect(store.isInstalled('gfpgan-1.4')).toBe(false)
    expect(() => store.entry('nope')).toThrow(/Unknown model/)
  })

  it('fetches with the publisher CRC, records the sha256 sidecar, verifies and removes', async () => {
    const dir = join(work, 'fetch')
    const store = new ModelStore({ dir, manifest: localManifest() })
    const path = await store.fetch('gfpgan-1.4', { backoffMs: 10 })
    expect(readFileSync(path).equals(Buffer.from(restorerBytes))).toBe(true)
    const sha = createHash('sha256').update(restorerBytes).digest('hex')
    expect(readFileSync(`${path}.sha256`, 'utf8')).toBe(`${sha}  gfpgan_1.4.onnx\n`)
    expect(store.status('gfpgan-1.4').state).toBe('installed')
    expect(await store.verify('gfpgan-1.4')).toBe(true)

    // Corrupt the file behind the store's back: verify notices.
    writeFileSync(path, Buffer.from(restorerBytes).fill(1, 100, 120))
    expect(await store.verify('gfpgan-1.4')).toBe(false)

    await store.remove('gfpgan-1.4')
    expect(existsSync(path)).toBe(false)
    expect(existsSync(`${path}.sha256`)).toBe(false)
    expect(store.status('gfpgan-1.4').state).toBe('missing')
  })

  it('a hand-edited .sha256 naming a file outside the models folder never reaches it (remove, verify)', async () => {
    const root = join(work, 'outside')
    const dir = join(root, 'models')
    const store = new ModelStore({ dir })
    writeGraph(dir, 'gfpgan_1.2.onnx', restorerBytes)
    const victim = join(root, 'precious.txt')
    writeFileSync(victim, 'mine')
    const sha = createHash('sha256').update(restorerBytes).digest('hex')
    writeFileSync(join(dir, 'gfpgan_1.2.onnx.sha256'), `${sha}  gfpgan_1.2.onnx\n${'0'.repeat(64)}  ../precious.txt\n`)
    expect((await store.verifyFiles('gfpgan-1.2')).files.map((f) => f.file)).toEqual(['gfpgan_1.2.onnx'])
    await store.remove('gfpgan-1.2')
    expect(readFileSync(victim, 'utf8')).toBe('mine')
  })

  it('a .part file shows as partial; a file without a sidecar as unverified', () => {
    const dir = join(work, 'states')
    const store = new ModelStore({ dir })
    writeGraph(dir, 'gfpgan_1.3.onnx.part', restorerBytes.subarray(0, 100))
    writeGraph(dir, 'gfpgan_1.2.onnx', restorerBytes)
    expect(store.status('gfpgan-1.3')).toMatchObject({ state: 'partial', bytes: 100 })
    expect(store.status('gfpgan-1.2').state).toBe('unverified')
    expect(store.isInstalled('gfpgan-1.2')).toBe(true)
  })

  it('imports a custom restorer (contract-checked, unverified) and rejects a wrong-shaped one', async () => {
    const dir = join(work, 'custom')
    const store = new ModelStore({ dir })
    const good = writeGraph(fixtures, 'My Restorer.onnx', identityRestorer(512))
    const status = await store.importFile('restorer', good)
    expect(status).toMatchObject({
      id: 'custom-my-restorer',
      kind: 'restorer',
      family: 'gfpgan',
      state: 'unverified',
      custom: true
    })
    const folder = join(dir, 'custom', createHash('sha256').update(identityRestorer(512)).digest('hex'))
    expect(existsSync(join(folder, 'model.onnx'))).toBe(true)
    expect(store.list().some((m) => m.id === 'custom-my-restorer')).toBe(true)
    expect(store.entry('custom-my-restorer').contract?.cropSize).toBe(512)
    expect(await store.verify('custom-my-restorer')).toBe(true)

    const bad = writeGraph(fixtures, 'small.onnx', wrongShapeRestorer(256))
    const err = await failure(store.importFile('restorer', bad))
    expect(err.code).toBe('MODEL_CONTRACT')
    expect(err.message).toContain('[1,3,256,256]')
    expect(existsSync(join(dir, 'custom', createHash('sha256').update(wrongShapeRestorer(256)).digest('hex')))).toBe(
      false
    )

    const junk = join(fixtures, 'junk.onnx')
    writeFileSync(junk, 'not onnx')
    expect((await failure(store.importFile('restorer', junk))).code).toBe('MODEL_INVALID')
    expect((await failure(store.importFile('bogus-kind', good))).code).toBe('INVALID_REQUEST')
    expect((await failure(store.importFile('restorer', join(fixtures, 'missing.onnx')))).code).toBe('NOT_FOUND')

    expect(await store.remove('custom-my-restorer')).toEqual(['model.onnx'])
    expect(store.list().some((m) => m.id === 'custom-my-restorer')).toBe(false)
    expect(existsSync(folder)).toBe(false)
  })

  it('imports an unpinned manifest model after a contract check', async () => {
    const store = new ModelStore({ dir: join(work, 'unpinned') })
    const cf = writeGraph(fixtures, 'codeformer.onnx', codeformerLike(512))
    expect((await store.importFile('codeformer', cf)).state).toBe('installed')
    const wrong = writeGraph(fixtures, 'cf-wrong.onnx', wrongShapeRestorer(256))
    expect((await failure(store.importFile('gfpgan-1.3', wrong))).code).toBe('MODEL_CONTRACT')
  })
})

describeShared('ModelStore with real files', () => {
  it('imports the shared YuNet as yunet-2023mar, verified by its pinned sha256', async () => {
    const store = new ModelStore({ dir: join(work, 'yunet') })
    const status = await store.importFile('yunet-2023mar', modelPath('yunet_s_640_640.onnx'))
    expect(status).toMatchObject({ id: 'yunet-2023mar', state: 'installed', bytes: 232589 })
    expect(await store.verify('yunet-2023mar')).toBe(true)

    // A different detector file is refused for this id by checksum.
    const err = await failure(store.importFile('yunet-2023mar', modelPath('yunet_n_dynamic.onnx')))
    expect(err.code).toBe('MODEL_INVALID')
    expect(err.message).toContain('SHA-256')
  })

  it('imports the real e4e age direction (.npy) and refuses an ONNX file as a direction', async () => {
    const engine = createEngine({ modelsDir: join(work, 'npy') })
    const store = engine.store
    expect((await store.importFile('e4e-age-direction', modelPath('e4e_age_direction.npy'))).state).toBe('installed')
    const path = await engine.modelPath('e4e-age-direction')
    expect(readFileSync(path).equals(readFileSync(modelPath('e4e_age_direction.npy')))).toBe(true)
    expect((await failure(store.importFile('e4e-age-direction', modelPath('yunet_n_dynamic.onnx')))).code).toBe(
      'MODEL_INVALID'
    )
  })

  it('the engine opens the imported YuNet with its contract checked', async () => {
    const dir = join(work, 'engine-yunet')
    const engine = createEngine({ modelsDir: dir, provider: 'cpu' })
    await engine.store.importFile('yunet-2023mar', modelPath('yunet_s_640_640.onnx'))
    const m = await engine.openModel({ id: 'yunet-2023mar' })
    expect(m.session.inputNames).toEqual(['input'])
    expect(m.entry.contract?.channels).toBe('BGR')
    expect(m.unverified).toBeUndefined()
    expect(await engine.openModel({ id: 'yunet-2023mar' })).toMatchObject({ session: m.session })
    await engine.dispose()
  })
})

describe('engine.openModel', () => {
  it('missing model without auto-download -> MODEL_MISSING naming the model (each surface adds how to get it)', async () => {
    const engine = createEngine({ modelsDir: join(work, 'engine-missing'), provider: 'cpu' })
    const err = await failure(engine.openModel({ id: 'gfpgan-1.4' }))
    expect(err.code).toBe('MODEL_MISSING')
    expect(err.message).toContain('GFPGAN 1.4 (gfpgan-1.4) is not installed')
    expect(toAppError(err)).toMatchObject({ code: 'MODEL_MISSING', modelId: 'gfpgan-1.4' })
    await engine.dispose()
  })

  it('auto-downloads once for concurrent callers and reports progress with the id', async () => {
    const dir = join(work, 'engine-auto')
    const seen: string[] = []
    const engine = createEngine({
      provider: 'cpu',
      autoDownload: true,
      store: new ModelStore({ dir, manifest: localManifest() }),
      onDownloadProgress: (p) => seen.push(`${p.id}:${p.done}`)
    })
    const [a, b] = await Promise.all([engine.openModel({ id: 'gfpgan-1.4' }), engine.openModel({ id: 'gfpgan-1.4' })])
    expect(a.session).toBe(b.session)
    expect(a.session.provider).toBe('cpu')
    expect(seen.filter((s) => s === 'gfpgan-1.4:true')).toHaveLength(1)
    expect(engine.store.status('gfpgan-1.4').state).toBe('installed')
    await engine.dispose()
  })

  it('opens an ad-hoc file with the family contract and rejects a wrong one', async () => {
    const engine = createEngine({ modelsDir: join(work, 'engine-file'), provider: 'cpu' })
    const cfPath = writeGraph(fixtures, 'cf-any-name.onnx', codeformerLike(512))
    const cf = await engine.openModel({ file: cfPath, kind: 'restorer', family: 'codeformer' })
    expect(cf.unverified).toBe(true)
    expect(cf.entry.options).toMatchObject({ fidelityInput: 'weight' })
    const small = writeGraph(fixtures, 'gfp-small.onnx', wrongShapeRestorer(256))
    const err = await failure(engine.openModel({ file: small, kind: 'restorer', family: 'gfpgan' }))
    expect(err.code).toBe('MODEL_CONTRACT')
    expect(engine.sessions.has(small)).toBe(false)
    await engine.dispose()
  })

  it('modelPath of a missing non-ONNX model -> MODEL_MISSING', async () => {
    const engine = createEngine({ modelsDir: join(work, 'engine-npy-missing') })
    expect((await failure(engine.modelPath('e4e-age-direction'))).code).toBe('MODEL_MISSING')
    await engine.dispose()
  })
})
