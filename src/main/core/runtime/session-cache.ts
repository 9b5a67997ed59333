import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { openSession } from './ort-adapter'
import type { ModelSession, ProviderPreference } from './types'

export type SessionOpener = (modelPath: string, opts: { provider: ProviderPreference }) => Promise<ModelSession>

export interface SessionCacheOptions {
  /** Most sessions kept loaded at once; the least recently used beyond it is unloaded (default 4). */
  max?: number
  /**
   * Most model-file bytes kept loaded at once (default 2 GiB). A loaded session holds about its file size in native
   * memory (bench:heavy: GFPGAN 342 MB file -> ~0.4 GB RSS), and model sizes range from 0.2 MB detectors to 1.3 GB
   * age graphs, so a count alone cannot bound memory. The session being opened is always kept.
   */
  maxBytes?: number
  provider?: ProviderPreference
  /** Injected in tests; defaults to the ORT adapter. */
  open?: SessionOpener
}

interface Entry {
  path: string
  /** Model file size: the cost of keeping this session loaded. */
  bytes: number
  pending: Promise<ModelSession>
  session?: ModelSession
}

/**
 * Sessions keyed by (model path, provider), least recently used first. GAN sessions hold hundreds of MB, so at most
 * `max` sessions and `maxBytes` of model files stay loaded: the least recently used one beyond that is unloaded, not thrown away — a stage still holding it
 * gets it reloaded on its next run (and the cache then unloads another). dispose()/disposeAll() end sessions for good.
 */
export class SessionCache {
  readonly max: number
  readonly maxBytes: number
  readonly provider: ProviderPreference
  private readonly open: SessionOpener
  // Map iteration order is insertion order: re-inserting on use keeps the LRU at the front.
  private readonly entries = new Map<string, Entry>()

  constructor(opts: SessionCacheOptions = {}) {
    this.max = Math.max(1, opts.max ?? 4)
    this.maxBytes = opts.maxBytes ?? 2 * 1024 ** 3
    this.provider = opts.provider ?? 'auto'
    this.open = opts.open ?? ((path, o) => openSession(path, o))
  }

  /** Sessions known to the cache, loaded or not. */
  get size(): number {
    return this.entries.size
  }

  /** Sessions currently holding native memory. */
  get loadedCount(): number {
    return [...this.entries.values()].filter((e) => e.session && e.session.loaded !== false).length
  }

  has(modelPath: string): boolean {
    return this.entries.has(this.key(modelPath))
  }

  async get(modelPath: string): Promise<ModelSession> {
    const path = resolve(modelPath)
    const key = this.key(path)
    const hit = this.entries.get(key)
    if (hit) {
      this.touch(key)
      return hit.pending
    }
    const entry: Entry = { path, bytes: fileBytes(path), pending: this.open(path, { provider: this.provider }) }
    this.entries.set(key, entry)
    let session: ModelSession
    try {
      session = await entry.pending
    } catch (err) {
      // A failed open is not cached, so a fixed file can be retried.
      if (this.entries.get(key) === entry) this.entries.delete(key)
      throw err
    }
    entry.session = session
    session.onReload = () => {
      if (this.entries.get(key) !== entry) return
      this.touch(key)
      void this.enforce(key)
    }
    await this.enforce(key)
    return session
  }

  /** Ends the sessions of one model (any provider), or all of them without an argument. */
  async dispose(modelPath?: string): Promise<void> {
    if (modelPath === undefined) return this.disposeAll()
    const path = resolve(modelPath)
    const doomed = [...this.entries].filter(([, e]) => e.path === path)
    for (const [key] of doomed) this.entries.delete(key)
    await Promise.allSettled(doomed.map(([, e]) => e.pending.then((s) => s.dispose())))
  }

  async disposeAll(): Promise<void> {
    const all = [...this.entries.values()]
    this.entries.clear()
    await Promise.allSettled(all.map((e) => e.pending.then((s) => s.dispose())))
  }

  private key(modelPath: string): string {
    return `${resolve(modelPath)}\u0000${this.provider}`
  }

  private touch(key: string): void {
    const e = this.entries.get(key)
    if (!e) return
    this.entries.delete(key)
    this.entries.set(key, e)
  }

  /** Loaded model-file bytes. */
  get loadedBytes(): number {
    return [...this.entries.values()]
      .filter((e) => e.session && e.session.loaded !== false)
      .reduce((n, e) => n + e.bytes, 0)
  }

  /** Unloads least recently used sessions until at most `max` and `maxBytes` are loaded; `keep` is never chosen. */
  private async enforce(keep: string): Promise<void> {
    const loaded = [...this.entries].filter(([, e]) => e.session && e.session.loaded !== false)
    let count = loaded.length
    let bytes = loaded.reduce((n, [, e]) => n + e.bytes, 0)
    const victims: typeof loaded = []
    for (const v of loaded) {
      if (count <= this.max && bytes <= this.maxBytes) break
      if (v[0] === keep) continue
      victims.push(v)
      count--
      bytes -= v[1].bytes
    }
    if (victims.length === 0) return
    await Promise.allSettled(
      victims.map(([k, e]) => {
        const s = e.session!
        if (s.unload) return s.unload()
        // Stand-ins without unload() cannot come back: forget them.
        this.entries.delete(k)
        return s.dispose()
      })
    )
  }
}

/** File size, or 0 when it cannot be read (the open then reports the real problem). */
function fileBytes(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}
