import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HeirloomError } from '../../src/main/core/errors'
import { SessionCache } from '../../src/main/core/runtime/session-cache'
import type { ModelSession } from '../../src/main/core/runtime/types'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'

const dir = mkdtempSync(join(tmpdir(), 'heirloom-cache-'))
const paths = [1, 2, 3].map((i) => writeGraph(dir, `m${i}.onnx`, identityRestorer(2 + i)))

/** Wraps the real opener to count opens and record disposals. */
function tracking(): { cache: SessionCache; opened: string[]; disposed: string[] } {
  const opened: string[] = []
  const disposed: string[] = []
  const cache = new SessionCache({
    max: 2,
    provider: 'cpu',
    open: async (path, opts) => {
      const { openSession } = await import('../../src/main/core/runtime/ort-adapter')
      opened.push(path)
      const s = await openSession(path, opts)
      const wrapped: ModelSession = Object.create(s) as ModelSession
      Object.defineProperty(wrapped, 'dispose', {
        value: async () => {
          disposed.push(path)
          await s.dispose()
        }
      })
      return wrapped
    }
  })
  return { cache, opened, disposed }
}

describe('SessionCache', () => {
  it('reuses sessions and disposes the least recently used beyond the limit', async () => {
    const { cache, opened, disposed } = tracking()
    const a = await cache.get(paths[0])
    expect(await cache.get(paths[0])).toBe(a)
    await cache.get(paths[1])
    await cache.get(paths[0]) // a is now the most recent
    await cache.get(paths[2]) // evicts m2
    expect(opened).toHaveLength(3)
    expect(disposed).toEqual([paths[1]])
    expect(cache.size).toBe(2)
    expect(cache.has(paths[0])).toBe(true)
    expect(cache.has(paths[1])).toBe(false)

    await cache.dispose(paths[0])
    expect(disposed).toEqual([paths[1], paths[0]])
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

  it('a disposed session can no longer run', async () => {
    const cache = new SessionCache({ provider: 'cpu' })
    const s = await cache.get(paths[0])
    await cache.disposeAll()
    const err = await s
      .run({ input: { type: 'float32', data: new Float32Array(27), dims: [1, 3, 3, 3] } })
      .catch((e: unknown) => e)
    expect((err as HeirloomError).code).toBe('MODEL_RUNTIME')
  })
})
