import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../../src/main/core/engine'
import { externalDataLocations } from '../../src/main/core/models/external-data'
import { ModelStore } from '../../src/main/core/models/store'
import { encodeModel } from '../fixtures/onnx-writer'
import { blockGeneratorGraph, writeGraphWithExternalData } from '../fixtures/age-graphs'

const dirs: string[] = []
const tmp = (p: string): string => {
  const d = mkdtempSync(join(tmpdir(), p))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('models with external data (large generator exports)', () => {
  it('finds the sidecar names a graph references', () => {
    const src = tmp('ext-src-')
    const { model } = writeGraphWithExternalData(
      src,
      'gen.onnx',
      blockGeneratorGraph({ outputSize: 64 }),
      ['gain', 'bias'],
      {
        perTensor: true
      }
    )
    expect(externalDataLocations(readFileSync(model)).sort()).toEqual(['gen.onnx.bias.bin', 'gen.onnx.gain.bin'])
    expect(externalDataLocations(encodeModel(blockGeneratorGraph({ outputSize: 64 })))).toEqual([])
  })

  it('imports a custom generator with its sidecar, opens it from the store, and removes both', async () => {
    const src = tmp('ext-src-')
    const store = tmp('ext-store-')
    const { model } = writeGraphWithExternalData(src, 'gen.onnx', blockGeneratorGraph(), ['gain', 'bias'], {
      dataFile: 'gen.weights'
    })
    const s = new ModelStore({ dir: store })
    const status = await s.importFile('age-generator', model, { family: 'stylegan2' })
    // Stored in its own folder keyed by the graph's SHA-256, sidecar beside it.
    const folder = join(store, 'custom', createHash('sha256').update(readFileSync(model)).digest('hex'))
    expect(existsSync(join(folder, 'gen.weights'))).toBe(true)
    // The sidecar's hash is recorded and re-checked like the graph's.
    expect((await s.verifyFiles(status.id)).files.map((f) => f.file)).toEqual(['model.onnx', 'gen.weights'])
    // The source folder is no longer needed: the stored copy loads on its own.
    rmSync(src, { recursive: true, force: true })
    const engine = createEngine({ modelsDir: store, provider: 'cpu' })
    try {
      const loaded = await engine.openModel({ id: status.id })
      const out = await loaded.session.run({
        latent: { type: 'float32', data: new Float32Array(18 * 512).fill(0.25), dims: [1, 18, 512] }
      })
      expect(Object.values(out)[0].dims).toEqual([1, 3, 1024, 1024])
    } finally {
      await engine.dispose()
    }
    writeFileSync(join(folder, 'gen.weights'), Buffer.alloc(statSync(join(folder, 'gen.weights')).size, 1))
    expect(await s.verifyFiles(status.id)).toMatchObject({
      ok: false,
      files: [{ ok: true }, { file: 'gen.weights', ok: false }]
    })
    await s.remove(status.id)
    expect(existsSync(folder)).toBe(false)
  })

  it('refuses a graph whose external data points outside its folder', async () => {
    const src = tmp('ext-src-')
    const { model } = writeGraphWithExternalData(src, 'gen.onnx', blockGeneratorGraph({ outputSize: 64 }), ['gain'], {
      dataFile: '../escape.bin'
    })
    const s = new ModelStore({ dir: tmp('ext-store-') })
    await expect(s.importFile('age-generator', model, { family: 'stylegan2' })).rejects.toMatchObject({
      code: 'MODEL_INVALID'
    })
  })
})

describe('downloading a manifest model with external data', () => {
  it('fetches the sidecar from beside the graph and the stored model loads', async () => {
    const src = tmp('ext-pub-')
    const { model, data } = writeGraphWithExternalData(src, 'gen.onnx', blockGeneratorGraph(), ['gain', 'bias'], {
      dataFile: 'gen.onnx.data'
    })
    const files: Record<string, Buffer> = {
      'https://models.example/v1/gen.onnx': readFileSync(model),
      'https://models.example/v1/gen.onnx.data': readFileSync(data[0])
    }
    const requested: string[] = []
    const fetchImpl = (url: string): Promise<Response> => {
      requested.push(url)
      const body = files[url]
      return Promise.resolve(body ? new Response(new Uint8Array(body)) : new Response('missing', { status: 404 }))
    }
    const store = tmp('ext-store-')
    const s = new ModelStore({
      dir: store,
      fetchImpl,
      manifest: {
        version: 1,
        models: [
          {
            id: 'test-generator',
            name: 'Test generator',
            kind: 'age-generator',
            family: 'stylegan2',
            file: 'gen.onnx',
            license: 'test',
            commercialUse: true,
            urls: ['https://models.example/v1/gen.onnx'],
            externalData: ['gen.onnx.data']
          }
        ]
      }
    })
    await s.fetch('test-generator')
    // External data first: the graph is contract-checked (loaded) before it counts as installed.
    expect(requested).toEqual(['https://models.example/v1/gen.onnx.data', 'https://models.example/v1/gen.onnx'])
    expect(readFileSync(join(store, 'gen.onnx.data'))).toEqual(files['https://models.example/v1/gen.onnx.data'])
    // Both files are recorded in the sha256sum list and re-checked by verify.
    const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
    expect(readFileSync(join(store, 'gen.onnx.sha256'), 'utf8')).toBe(
      `${sha(files['https://models.example/v1/gen.onnx'])}  gen.onnx\n${sha(files['https://models.example/v1/gen.onnx.data'])}  gen.onnx.data\n`
    )
    expect(await s.verify('test-generator')).toBe(true)
    writeFileSync(join(store, 'gen.onnx.data'), Buffer.alloc(files['https://models.example/v1/gen.onnx.data'].length))
    expect(await s.verify('test-generator')).toBe(false)
    await s.remove('test-generator')
    expect(existsSync(join(store, 'gen.onnx.data'))).toBe(false)
  })
})
