import { resolve } from 'node:path'
import { openSession } from './ort-adapter'
import type { ModelSession, ProviderPreference } from './types'

export type SessionOpener = (modelPath: string, opts: { provider: ProviderPreference }) => Promise<ModelSession>

export interface SessionCacheOptions {
  /** Most sessions kept open at once; the least recently used is disposed beyond it (default 4). */
  max?: number
  provider?: ProviderPreference
  /** Injected in tests; defaults to the ORT adapter. */
  open?: SessionOpener
}

/**
 * Open sessions keyed by (model path, provider), least recently used first. GAN sessions hold hundreds of MB,
 * so the limit is small and disposeAll() frees everything between jobs.
 */
export class SessionCache {
  readonly max: number
  readonly provider: ProviderPreference
  private readonly open: SessionOpener
  // Map iteration order is insertion order: re-inserting on use keeps the LRU at the front.
  private readonly entries = new Map<string, { path: string; session: Promise<ModelSession> }>()

  constructor(opts: SessionCacheOptions = {}) {
    this.max = Math.max(1, opts.max ?? 4)
    this.provider = opts.provider ?? 'auto'
    this.open = opts.open ?? ((path, o) => openSession(path, o))
  }

  get size(): number {
    return this.entries.size
  }

  has(modelPath: string): boolean {
    return this.entries.has(this.key(modelPath))
  }

  async get(modelPath: string): Promise<ModelSession> {
    const path = resolve(modelPath)
    const key = this.key(path)
    const hit = this.entries.get(key)
    if (hit) {
      this.entries.delete(key)
      this.entries.set(key, hit)
      return hit.session
    }
    const session = this.open(path, { provider: this.provider })
    this.entries.set(key, { path, session })
    try {
      await session
    } catch (err) {
      // A failed open is not cached, so a fixed file can be retried.
      if (this.entries.get(key)?.session === session) this.entries.delete(key)
      throw err
    }
    await this.evict()
    return session
  }

  /** Disposes the sessions of one model (any provider), or all of them without an argument. */
  async dispose(modelPath?: string): Promise<void> {
    if (modelPath === undefined) return this.disposeAll()
    const path = resolve(modelPath)
    const doomed = [...this.entries].filter(([, e]) => e.path === path)
    for (const [key] of doomed) this.entries.delete(key)
    await Promise.allSettled(doomed.map(([, e]) => e.session.then((s) => s.dispose())))
  }

  async disposeAll(): Promise<void> {
    const all = [...this.entries.values()]
    this.entries.clear()
    await Promise.allSettled(all.map((e) => e.session.then((s) => s.dispose())))
  }

  private key(modelPath: string): string {
    return `${resolve(modelPath)}\u0000${this.provider}`
  }

  private async evict(): Promise<void> {
    const victims: Promise<ModelSession>[] = []
    while (this.entries.size > this.max) {
      const [oldest, entry] = this.entries.entries().next().value as [string, { session: Promise<ModelSession> }]
      this.entries.delete(oldest)
      victims.push(entry.session)
    }
    await Promise.allSettled(victims.map((s) => s.then((x) => x.dispose())))
  }
}
