import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, rename, rm, stat } from 'node:fs/promises'
import { crc32 } from 'node:zlib'
import { HeirloomError } from '../errors'

export type FetchImpl = (url: string, init?: RequestInit) => Promise<Response>

export interface DownloadProgress {
  /** Manifest id, when the caller passed one. */
  id?: string
  url: string
  /** Bytes of the file present so far (including a resumed `.part`). */
  received: number
  total?: number
  /** Average speed of the current request. */
  bytesPerSecond: number
  done: boolean
}

export interface DownloadOptions {
  id?: string
  /** Expected SHA-256 (hex). */
  sha256?: string
  /** Publisher CRC32 (8 hex chars); only a transfer check, not a security one. */
  crc32?: string
  onProgress?: (p: DownloadProgress) => void
  signal?: AbortSignal
  /** Abort a request that sends nothing for this long (default 30 s). */
  timeoutMs?: number
  /** Extra attempts per URL after the first (default 3). */
  retries?: number
  /** First retry delay; doubles each time (default 500 ms). */
  backoffMs?: number
  fetchImpl?: FetchImpl
}

export interface DownloadResult {
  sha256: string
  bytes: number
  url: string
}

const NETWORK_REASONS: Record<string, string> = {
  ENOTFOUND: 'host not found (offline?)',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EAI_AGAIN: 'DNS lookup failed (offline?)'
}

/** Failure of one request; `fatal` means retrying the same URL will not help. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly fatal: boolean
  ) {
    super(message)
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    return 0
  }
}

export async function hashFile(path: string): Promise<{ sha256: string; crc32: string; bytes: number }> {
  const sha = createHash('sha256')
  let crc = 0
  let bytes = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const b = chunk as Buffer
    sha.update(b)
    crc = crc32(b, crc)
    bytes += b.length
  }
  return { sha256: sha.digest('hex'), crc32: (crc >>> 0).toString(16).padStart(8, '0'), bytes }
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        resolve()
      },
      { once: true }
    )
  })

function cancelled(): HeirloomError {
  return new HeirloomError('CANCELLED', 'The download was cancelled (the partial file is kept for resuming).')
}

/** Total size from Content-Range ("bytes a-b/total") or Content-Length. */
function totalOf(res: Response, offset: number): number | undefined {
  const range = res.headers.get('content-range')
  const m = range ? /\/(\d+)\s*$/.exec(range) : null
  if (m) return Number(m[1])
  const len = res.headers.get('content-length')
  return len !== null && /^\d+$/.test(len) ? Number(len) + offset : undefined
}

/**
 * One request: resumes `part` with a Range header when it has bytes, appends the body, and stops when the body
 * ends. Throws AttemptError (retryable unless fatal) on HTTP or network failure; the `.part` keeps what arrived.
 */
async function attempt(url: string, part: string, opts: DownloadOptions, fetchImpl: FetchImpl): Promise<void> {
  const offset = await sizeOf(part)
  const timeoutMs = opts.timeoutMs ?? 30_000
  const ctrl = new AbortController()
  const onAbort = (): void => ctrl.abort()
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  let timedOut = false
  let timer: NodeJS.Timeout | undefined
  const arm = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      timedOut = true
      ctrl.abort()
    }, timeoutMs)
  }
  arm()
  try {
    const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {}
    let res: Response
    try {
      res = await fetchImpl(url, { headers, signal: ctrl.signal, redirect: 'follow' })
    } catch (err) {
      if (opts.signal?.aborted) throw cancelled()
      if (timedOut) throw new AttemptError(`no response within ${timeoutMs} ms`, false)
      // fetch() says only "fetch failed"; the reason (ENOTFOUND, ECONNREFUSED...) is in its cause.
      const cause = (err as { cause?: { code?: string; message?: string } }).cause
      const code = cause?.code
      const reason = (code && NETWORK_REASONS[code]) ?? code ?? cause?.message ?? (err as Error).message
      throw new AttemptError(reason, code === 'ENOTFOUND')
    }
    if (res.status === 416 && offset > 0) {
      // Our .part is already as long as (or longer than) the file: start over rather than trust it.
      await rm(part, { force: true })
      throw new AttemptError('server rejected the resume range', false)
    }
    if (!res.ok || !res.body) {
      const fatal = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429
      throw new AttemptError(`HTTP ${res.status}`, fatal)
    }
    const resumed = res.status === 206 && offset > 0
    const total = totalOf(res, resumed ? offset : 0)
    const file = await open(part, resumed ? 'a' : 'w')
    let received = resumed ? offset : 0
    // Announce the size before the first byte so progress bars can start at the right total.
    opts.onProgress?.({
      ...(opts.id ? { id: opts.id } : {}),
      url,
      received,
      ...(total ? { total } : {}),
      bytesPerSecond: 0,
      done: false
    })
    const started = Date.now()
    let fresh = 0
    let lastEmit = 0
    try {
      const reader = res.body.getReader()
      for (;;) {
        let chunk: { done: boolean; value?: Uint8Array }
        try {
          chunk = await reader.read()
        } catch (err) {
          if (opts.signal?.aborted) throw cancelled()
          throw new AttemptError(
            timedOut ? `stalled for ${timeoutMs} ms` : `connection lost: ${(err as Error).message}`,
            false
          )
        }
        if (chunk.done || !chunk.value) break
        arm()
        await file.write(chunk.value)
        received += chunk.value.length
        fresh += chunk.value.length
        const now = Date.now()
        if (opts.onProgress && now - lastEmit >= 100) {
          lastEmit = now
          const bytesPerSecond = fresh / Math.max(0.001, (now - started) / 1000)
          opts.onProgress({
            ...(opts.id ? { id: opts.id } : {}),
            url,
            received,
            ...(total ? { total } : {}),
            bytesPerSecond,
            done: false
          })
        }
      }
      await file.sync()
    } finally {
      await file.close()
    }
    if (total !== undefined && received !== total) {
      throw new AttemptError(`connection closed after ${received} of ${total} bytes`, false)
    }
  } finally {
    clearTimeout(timer)
    opts.signal?.removeEventListener('abort', onAbort)
  }
}

/**
 * Downloads the first URL that works into `dest`: `<dest>.part` is resumed with HTTP Range, requests time out when
 * stalled, failures retry with backoff then fall back to the next mirror, and the file is verified (SHA-256, or the
 * publisher's CRC32) before an atomic rename. A corrupt or partial file never appears at `dest`: DOWNLOAD_FAILED.
 */
export async function downloadFile(
  urls: readonly string[],
  dest: string,
  opts: DownloadOptions = {}
): Promise<DownloadResult> {
  const fetchImpl = opts.fetchImpl ?? ((u, i) => fetch(u, i))
  const part = `${dest}.part`
  const retries = opts.retries ?? 3
  const backoff = opts.backoffMs ?? 500
  // Last failure per URL with its attempt count, for one readable message.
  const failures = new Map<string, { reason: string; attempts: number }>()
  const expectSha = opts.sha256?.toLowerCase()
  const expectCrc = opts.crc32?.toLowerCase().padStart(8, '0')

  for (const url of urls) {
    for (let n = 0; n <= retries; n++) {
      if (opts.signal?.aborted) throw cancelled()
      try {
        const resumedFrom = await sizeOf(part)
        await attempt(url, part, opts, fetchImpl)
        const got = await hashFile(part)
        const bad =
          expectSha && got.sha256 !== expectSha
            ? `SHA-256 ${got.sha256} does not match ${expectSha}`
            : !expectSha && expectCrc && got.crc32 !== expectCrc
              ? `CRC32 ${got.crc32} does not match the publisher's ${expectCrc}`
              : undefined
        if (bad) {
          await rm(part, { force: true })
          // A resumed file may have been spliced from two versions; one clean retry from zero settles it.
          if (resumedFrom > 0 && n < retries) throw new AttemptError(`${bad} (after resuming)`, false)
          throw new AttemptError(bad, true)
        }
        await rename(part, dest)
        opts.onProgress?.({
          ...(opts.id ? { id: opts.id } : {}),
          url,
          received: got.bytes,
          total: got.bytes,
          bytesPerSecond: 0,
          done: true
        })
        return { sha256: got.sha256, bytes: got.bytes, url }
      } catch (err) {
        if (err instanceof HeirloomError) throw err
        const e = err instanceof AttemptError ? err : new AttemptError((err as Error).message, false)
        failures.set(url, { reason: e.message, attempts: (failures.get(url)?.attempts ?? 0) + 1 })
        if (e.fatal) break
        if (n < retries) await sleep(backoff * 2 ** n, opts.signal)
      }
    }
  }
  // A `.part` left by network failures stays for the next attempt to resume; checksum failures removed theirs.
  // Sources that failed the same way share one reason, said once ("a, b, c: host not found (offline?)").
  const byReason = new Map<string, string[]>()
  for (const [u, f] of failures) {
    const reason = `${f.reason}${f.attempts > 1 ? ` (${f.attempts} attempts)` : ''}`
    byReason.set(reason, [...(byReason.get(reason) ?? []), u])
  }
  const summary = [...byReason].map(([reason, urls]) => `${urls.join(', ')}: ${reason}`)
  throw new HeirloomError('DOWNLOAD_FAILED', `Download failed. ${summary.join('; ')}`)
}
