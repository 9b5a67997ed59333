import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HeirloomError } from '../../src/main/core/errors'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import { SessionCache } from '../../src/main/core/runtime/session-cache'
import type { ModelSession, TensorData } from '../../src/main/core/runtime/types'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'

const dir = mkdtempSync(join(tmpdir(), 'heirloom-cache-'))
const sizes = [3, 4, 5]
const paths = sizes.map((s) => writeGraph(dir, `m${s}.onnx`, identityRestorer(s)))
const feed = (s: number): Record<string, TensorData> => ({
  input: { type: 'float32', data: new Float32Array(3 * s * s).fill(0.5), dims: [1, 3, s, s] }
})

/** A cache over real sessions that records opens, unloads and disposals. */
function tracking(
  max = 2,
  maxBytes?: number
): { cache: SessionCache; opened: string[]; unloaded: string[]; disposed: string[] } {
  const opened: string[] = []
  const unloaded: string[] = []
  const disposed: string[] = []
  const cache = new SessionCache({
    max,
    ...(maxBytes !== undefined ? { maxBytes } : {}),
    provider: 'cpu',
    open: async (path, opts) => {
      opened.push(path)
      const s = await openSession(path, opts)
      const unload = s.unload!.bind(s)
      const dispose = s.dispose.bind(s)
      s.unload = async () => {
        unloaded.push(path)
        await unload()
      }
      s.dispose = async () => {
        disposed.push(path)
        await dispose()
      }
      return s
    }
  })
  return { cache, opened, unloaded, disposed }
}

describe('SessionCache', () => {
  it('limits the loaded model bytes, not only the count: the least recently used goes, the newest always stays', async () => {
    const bytes = paths.map((p) => statSync(p).size)
    // Room for the first two files but not all three; the count limit is out of the way.
    const { cache, unloaded } = tracking(10, bytes[0] + bytes[1] + Math.min(...bytes) - 1)
    await cache.get(paths[0])
    await cache.get(paths[1])
    expect(unloaded).toEqual([])
    expect(cache.loadedBytes).toBe(bytes[0] + bytes[1])
    await cache.get(paths[2])
    expect(unloaded).toEqual([paths[0]])
    expect(cache.loadedBytes).toBe(bytes[1] + bytes[2])
    await cache.disposeAll()

    // A model larger than the whole budget still opens and stays loaded; the others make room for it.
    const tight = tracking(10, 1)
    await tight.cache.get(paths[0])
    const big = await tight.cache.get(paths[1])
    expect(tight.unloaded).toEqual([paths[0]])
    expect(big.loaded).toBe(true)
    expect(tight.cache.loadedCount).toBe(1)
    await tight.cache.disposeAll()
  })

  it('reuses sessions and unloads the least recently used beyond the limit', async () => {
    const { cache, opened, unloaded, disposed } = tracking()
    const a = await cache.get(paths[0])
    expect(await cache.get(paths[0])).toBe(a)
    const b = await cache.get(paths[1])
    await cache.get(paths[0]) // a is now the most recent
    await cache.get(paths[2]) // unloads b
    expect(opened).toHaveLength(3)
    expect(unloaded).toEqual([paths[1]])
    expect(b.loaded).toBe(false)
    expect(cache.loadedCount).toBe(2)
    expect(cache.size).toBe(3)

    // A stage still holding b can run it: it reloads, and the cache unloads the now least recent (a).
    const out = await b.run(feed(4))
    expect(out.output.dims).toEqual([1, 3, 4, 4])
    expect(b.loaded).toBe(true)
    await new Promise((r) => setTimeout(r, 20))
    expect(unloaded).toEqual([paths[1], paths[0]])
    expect(cache.loadedCount).toBe(2)
    expect(await cache.get(paths[1])).toBe(b)
    expect(opened).toHaveLength(3)

    await cache.dispose(paths[0])
    expect(disposed).toEqual([paths[0]])
    expect(cache.has(paths[0])).toBe(false)
    await cache.disposeAll()
    expect(disposed).toHaveLength(3)
    expect(cache.size).toBe(0)
  })

  it('shares one open between concurrent callers and does not cache failures', async () => {
    const { cache, opened } = tracking()
    const [x, y] = await Promise.all([cache.get(paths[0]), cache.get(paths[0])])
    expect(x).toBe(y)
    expect(opened).toHaveLength(1)
    const missing = join(dir, 'missing.onnx')
    const err = await cache.get(missing).catch((e: unknown) => e)
    expect((err as HeirloomError).code).toBe('MODEL_MISSING')
    expect(cache.has(missing)).toBe(false)
    await cache.disposeAll()
  })

  it('unload waits for a running job; a disposed session can no longer run', async () => {
    const s = await openSession(paths[2], { provider: 'cpu' })
    const running = s.run(feed(5))
    await s.unload!()
    expect((await running).output.dims).toEqual([1, 3, 5, 5])
    expect(s.loaded).toBe(false)

    const cache = new SessionCache({ provider: 'cpu' })
    const c = await cache.get(paths[0])
    await cache.disposeAll()
    const err = await c.run(feed(3)).catch((e: unknown) => e)
    expect((err as HeirloomError).code).toBe('MODEL_RUNTIME')
  })

  it('stand-in sessions without unload() are disposed and forgotten when evicted', async () => {
    const disposed: string[] = []
    const standIn = (path: string): ModelSession => ({
      inputNames: [],
      outputNames: [],
      inputs: [],
      outputs: [],
      provider: 'cpu',
      run: () => Promise.resolve({}),
      dispose: () => {
        disposed.push(path)
        return Promise.resolve()
      }
    })
    const cache = new SessionCache({ max: 1, open: (p) => Promise.resolve(standIn(p)) })
    await cache.get('/a.onnx')
    await cache.get('/b.onnx')
    expect(disposed).toEqual(['/a.onnx'])
    expect(cache.has('/a.onnx')).toBe(false)
  })
})
