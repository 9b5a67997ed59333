import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, rename, rm, stat } from 'node:fs/promises'
import { crc32 } from 'node:zlib'
import { HeirloomError, toAppError } from '../errors'

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
  /** Most bytes the file may have (the manifest size, else a cap): a larger announcement or body stops the download. */
  maxBytes?: number
  /** Whole-download deadline over every attempt and mirror (default from the environment, see downloadLimits). */
  deadlineMs?: number
  /** Slowest acceptable average rate over `rateWindowMs`; a slower transfer is abandoned. */
  minBytesPerSecond?: number
  rateWindowMs?: number
  /** Runs on the complete, checksum-passed `.part` before it is installed; a throw refuses the file (it is deleted). */
  accept?: (part: string) => Promise<void>
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

/** fetch() says only "fetch failed"; the reason (ENOTFOUND, ECONNREFUSED...) is in its cause. */
export function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause
  const code = cause?.code
  return (code && NETWORK_REASONS[code]) ?? code ?? cause?.message ?? (err as Error).message
}

/** Failure of one request; `fatal` means retrying the same URL will not help. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly fatal: boolean,
    /** The `.part` holds bytes that must not be resumed from (oversized, wrong). */
    readonly discardPart = false
  ) {
    super(message)
  }
}

/** The bounds every download runs under; the environment can tighten or loosen them (tests use small values). */
export interface DownloadLimits {
  maxBytes: number
  deadlineMs: number
  minBytesPerSecond: number
  rateWindowMs: number
  timeoutMs: number
}

const numberFrom = (v: string | undefined, fallback: number): number => {
  const n = v === undefined || v.trim() === '' ? NaN : Number(v)
  return Number.isFinite(n) && n > 0 ? n : fallback
}

/**
 * Defaults: at most 8 GiB for a file of unknown size, 2 h per download, at least 4 KB/s averaged over 60 s, 30 s
 * without a byte. HEIRLOOM_DOWNLOAD_MAX_BYTES, _DEADLINE_S, _MIN_RATE (bytes/s), _RATE_WINDOW_S and _STALL_S override.
 */
export function downloadLimits(env: NodeJS.ProcessEnv = process.env): DownloadLimits {
  return {
    maxBytes: numberFrom(env.HEIRLOOM_DOWNLOAD_MAX_BYTES, 8 * 2 ** 30),
    deadlineMs: numberFrom(env.HEIRLOOM_DOWNLOAD_DEADLINE_S, 2 * 3600) * 1000,
    minBytesPerSecond: numberFrom(env.HEIRLOOM_DOWNLOAD_MIN_RATE, 4096),
    rateWindowMs: numberFrom(env.HEIRLOOM_DOWNLOAD_RATE_WINDOW_S, 60) * 1000,
    timeoutMs: numberFrom(env.HEIRLOOM_DOWNLOAD_STALL_S, 30) * 1000
  }
}

/** What one attempt learnt about resuming: whether the server takes Range requests. */
interface AttemptState {
  resumable: boolean
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
async function attempt(
  url: string,
  part: string,
  opts: DownloadOptions,
  fetchImpl: FetchImpl,
  state: AttemptState,
  deadline: AbortSignal
): Promise<void> {
  const offset = await sizeOf(part)
  const timeoutMs = opts.timeoutMs ?? 30_000
  const maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY
  const ctrl = new AbortController()
  const onAbort = (): void => ctrl.abort()
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  deadline.addEventListener('abort', onAbort, { once: true })
  // Why the request was aborted, when it was not the caller: stalled, too slow, past the deadline, too big.
  let stopped: AttemptError | undefined
  const stop = (e: AttemptError): void => {
    stopped ??= e
    ctrl.abort()
  }
  let timer: NodeJS.Timeout | undefined
  const arm = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => stop(new AttemptError(`stalled for ${timeoutMs} ms`, false)), timeoutMs)
  }
  arm()
  // A trickle (1 byte every few seconds) never trips the stall timer: the rate is checked once per window too.
  const minRate = opts.minBytesPerSecond ?? 0
  const windowMs = opts.rateWindowMs ?? 60_000
  let windowBytes = 0
  const rateTimer =
    minRate > 0
      ? setInterval(() => {
          const rate = windowBytes / (windowMs / 1000)
          windowBytes = 0
          if (rate < minRate) {
            stop(new AttemptError(`too slow (${Math.round(rate)} B/s, below ${minRate} B/s)`, true))
          }
        }, windowMs)
      : undefined
  const whyStopped = (fallback: AttemptError): AttemptError => {
    if (deadline.aborted) return new AttemptError(`not finished within ${(opts.deadlineMs ?? 0) / 1000} s`, true)
    return stopped ?? fallback
  }
  try {
    const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {}
    let res: Response
    try {
      res = await fetchImpl(url, { headers, signal: ctrl.signal, redirect: 'follow' })
    } catch (err) {
      if (opts.signal?.aborted) throw cancelled()
      if (stopped?.message.startsWith('stalled')) throw new AttemptError(`no response within ${timeoutMs} ms`, false)
      if (stopped || deadline.aborted) throw whyStopped(new AttemptError('aborted', false))
      const cause = (err as { cause?: { code?: string } }).cause
      throw new AttemptError(networkReason(err), cause?.code === 'ENOTFOUND')
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
    // Resumable unless the server says it is not: `Accept-Ranges: none`, or a range request answered in full.
    state.resumable =
      res.status === 206 ||
      (!/^\s*none\s*$/i.test(res.headers.get('accept-ranges') ?? '') && !(offset > 0 && res.status === 200))
    const total = totalOf(res, resumed ? offset : 0)
    if (total !== undefined && total > maxBytes) {
      await res.body.cancel().catch(() => undefined)
      state.resumable = false
      throw new AttemptError(`the server announces ${total} bytes, more than the ${maxBytes} expected`, true, true)
    }
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
          throw whyStopped(new AttemptError(`connection lost: ${(err as Error).message}`, false))
        }
        if (chunk.done || !chunk.value) break
        arm()
        if (received + chunk.value.length > maxBytes) {
          // An endless or oversized body: stop at the bound instead of filling the disk.
          await reader.cancel().catch(() => undefined)
          state.resumable = false
          throw new AttemptError(`the server sent more than the ${maxBytes} bytes expected`, true, true)
        }
        await file.write(chunk.value)
        received += chunk.value.length
        fresh += chunk.value.length
        windowBytes += chunk.value.length
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
    clearInterval(rateTimer)
    opts.signal?.removeEventListener('abort', onAbort)
    deadline.removeEventListener('abort', onAbort)
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
  const deadline = AbortSignal.timeout(opts.deadlineMs ?? 2 * 3600 * 1000)
  const state: AttemptState = { resumable: true }

  for (const url of urls) {
    if (deadline.aborted) break
    for (let n = 0; n <= retries; n++) {
      if (opts.signal?.aborted) throw cancelled()
      if (deadline.aborted) break
      try {
        const resumedFrom = await sizeOf(part)
        await attempt(url, part, opts, fetchImpl, state, deadline)
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
        if (opts.accept) {
          try {
            await opts.accept(part)
          } catch (err) {
            await rm(part, { force: true })
            const e = toAppError(err)
            throw new HeirloomError(
              e.code === 'INTERNAL' ? 'MODEL_INVALID' : e.code,
              `The file from ${url} was refused: ${e.message}`
            )
          }
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
        if (e.discardPart) await rm(part, { force: true })
        if (e.fatal) break
        if (n < retries)
          await sleep(backoff * 2 ** n, AbortSignal.any([deadline, ...(opts.signal ? [opts.signal] : [])]))
      }
    }
  }
  if (opts.signal?.aborted) throw cancelled()
  // A `.part` stays for the next run only when a server takes Range requests; otherwise it could never be resumed.
  if (!state.resumable) await rm(part, { force: true })
  if (deadline.aborted) {
    const last = [...failures.keys()].at(-1) ?? urls[0]
    const seen = failures.get(last)
    if (!seen?.reason.startsWith('not finished'))
      failures.set(last, {
        reason: `not finished within ${(opts.deadlineMs ?? 0) / 1000} s`,
        attempts: seen?.attempts ?? 1
      })
  }
  // Sources that failed the same way share one reason, said once ("a, b, c: host not found (offline?)").
  const byReason = new Map<string, string[]>()
  for (const [u, f] of failures) {
    const reason = `${f.reason}${f.attempts > 1 ? ` (${f.attempts} attempts)` : ''}`
    byReason.set(reason, [...(byReason.get(reason) ?? []), u])
  }
  const summary = [...byReason].map(([reason, urls]) => `${urls.join(', ')}: ${reason}`)
  throw new HeirloomError('DOWNLOAD_FAILED', `Download failed. ${summary.join('; ')}`)
}
