import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DownloadProgress, downloadFile, downloadLimits } from '../../src/main/core/models/download'
import { failure } from '../helpers/heirloom-errors'
import { serveLocally, type LocalServer } from '../helpers/local-http'

const payload = randomBytes(300_000)
const sha = createHash('sha256').update(payload).digest('hex')
const crc = (crc32(payload) >>> 0).toString(16).padStart(8, '0')

const requests: { path: string; range?: string }[] = []
let dropOnce = true
let server: LocalServer
let base = ''

/** Routes: /ok serves the payload (honours Range); /flaky drops the first response half-way; /wrong serves other bytes; /404; /stall sends headers then nothing. */
function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/'
  requests.push({ path, ...(req.headers.range ? { range: req.headers.range } : {}) })
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
  const start = range ? Number(range[1]) : 0
  if (path === '/404') {
    res.writeHead(404).end('not here')
    return
  }
  if (path === '/stall' || path === '/stall-norange') {
    // /stall honours ranges (206) and stalls again; /stall-norange refuses them.
    if (path === '/stall' && range) {
      res.writeHead(206, {
        'content-length': String(payload.length - start),
        'content-range': `bytes ${start}-${payload.length - 1}/${payload.length}`,
        'accept-ranges': 'bytes'
      })
    } else {
      const ranges = { 'accept-ranges': path === '/stall' ? 'bytes' : 'none' }
      res.writeHead(200, { 'content-length': String(payload.length), ...ranges })
    }
    res.write(payload.subarray(start, start + 1000))
    return // never ends: the idle timeout must fire
  }
  if (path === '/huge') {
    // Announces 10 GB: must be refused before anything fills the disk.
    res.writeHead(200, { 'content-length': String(10 * 2 ** 30), 'accept-ranges': 'bytes' })
    res.write(payload.subarray(0, 1000))
    return
  }
  if (path === '/endless' || path === '/trickle') {
    // No length: an endless body (fast) or 1 byte at a time (slow); only our bounds end them.
    res.writeHead(200, { 'accept-ranges': 'bytes' })
    const t = setInterval(
      () => {
        if (res.destroyed) clearInterval(t)
        else res.write(path === '/endless' ? payload.subarray(0, 64 * 1024) : payload.subarray(0, 1))
      },
      path === '/endless' ? 1 : 50
    )
    res.on('close', () => clearInterval(t))
    return
  }
  const body = path === '/wrong' ? Buffer.alloc(payload.length, 7) : payload
  if (start >= body.length) {
    res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end()
    return
  }
  const headers: Record<string, string> = { 'content-length': String(body.length - start), 'accept-ranges': 'bytes' }
  if (range) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`
  res.writeHead(range ? 206 : 200, headers)
  if (path === '/flaky' && dropOnce) {
    dropOnce = false
    res.write(body.subarray(start, start + 120_000), () => res.destroy())
    return
  }
  res.end(body.subarray(start))
}

beforeAll(async () => {
  server = await serveLocally(handle)
  base = server.base
})
afterAll(() => server.close())

const dir = mkdtempSync(join(tmpdir(), 'heirloom-dl-'))
const fast = { backoffMs: 10, timeoutMs: 2000 }

describe('downloadFile', () => {
  it('downloads, verifies sha256 and reports progress', async () => {
    const dest = join(dir, 'ok.bin')
    const events: DownloadProgress[] = []
    const r = await downloadFile([`${base}/ok`], dest, {
      ...fast,
      sha256: sha,
      id: 'm',
      onProgress: (p) => events.push(p)
    })
    expect(r).toMatchObject({ sha256: sha, bytes: payload.length })
    expect(readFileSync(dest).equals(payload)).toBe(true)
    expect(existsSync(`${dest}.part`)).toBe(false)
    expect(events[0]).toMatchObject({ id: 'm', received: 0, total: payload.length, done: false })
    const last = events.at(-1)!
    expect(last).toMatchObject({ id: 'm', done: true, received: payload.length, total: payload.length })
  })

  it('resumes with a Range request after the connection drops half-way', async () => {
    requests.length = 0
    const dest = join(dir, 'flaky.bin')
    const r = await downloadFile([`${base}/flaky`], dest, { ...fast, sha256: sha })
    expect(r.bytes).toBe(payload.length)
    expect(readFileSync(dest).equals(payload)).toBe(true)
    const flaky = requests.filter((q) => q.path === '/flaky')
    expect(flaky.length).toBe(2)
    expect(flaky[0].range).toBeUndefined()
    expect(flaky[1].range).toMatch(/^bytes=\d+-$/)
    expect(Number(/\d+/.exec(flaky[1].range!)![0])).toBeGreaterThan(0)
  })

  it('resumes a .part left by an earlier run and verifies the publisher CRC32', async () => {
    requests.length = 0
    const dest = join(dir, 'resume.bin')
    writeFileSync(`${dest}.part`, payload.subarray(0, 100_000))
    await downloadFile([`${base}/ok`], dest, { ...fast, crc32: crc })
    expect(readFileSync(dest).equals(payload)).toBe(true)
    expect(requests[0].range).toBe('bytes=100000-')
  })

  it('wrong bytes -> DOWNLOAD_FAILED and nothing kept', async () => {
    const dest = join(dir, 'wrong.bin')
    const err = await failure(downloadFile([`${base}/wrong`], dest, { ...fast, sha256: sha }))
    expect(err.code).toBe('DOWNLOAD_FAILED')
    expect(err.message).toMatch(/SHA-256/)
    expect(existsSync(dest)).toBe(false)
    expect(existsSync(`${dest}.part`)).toBe(false)

    const err2 = await failure(downloadFile([`${base}/wrong`], join(dir, 'wrong2.bin'), { ...fast, crc32: crc }))
    expect(err2.message).toMatch(/CRC32/)
    expect(existsSync(join(dir, 'wrong2.bin'))).toBe(false)
  })

  it('falls back to a mirror after a 404 and after corrupt bytes', async () => {
    requests.length = 0
    const dest = join(dir, 'mirror.bin')
    await downloadFile([`${base}/404`, `${base}/wrong`, `${base}/ok`], dest, { ...fast, sha256: sha })
    expect(readFileSync(dest).equals(payload)).toBe(true)
    // 404 is not retried; corrupt bytes are not retried on the same URL either.
    expect(requests.map((q) => q.path)).toEqual(['/404', '/wrong', '/ok'])
  })

  it('a stalled server times out, retries, then fails; the partial bytes stay only as .part', async () => {
    const dest = join(dir, 'stall.bin')
    const err = await failure(
      downloadFile([`${base}/stall`], dest, { sha256: sha, timeoutMs: 150, retries: 1, backoffMs: 10 })
    )
    expect(err.code).toBe('DOWNLOAD_FAILED')
    expect(err.message).toMatch(/stalled|no response/)
    expect(existsSync(dest)).toBe(false)
    expect(statSync(`${dest}.part`).size).toBeGreaterThan(0)
  })

  it('a failed .part from a server that refuses ranges is removed (it could never be resumed)', async () => {
    const dest = join(dir, 'stall-norange.bin')
    const err = await failure(
      downloadFile([`${base}/stall-norange`], dest, { sha256: sha, timeoutMs: 150, retries: 0, backoffMs: 10 })
    )
    expect(err.code).toBe('DOWNLOAD_FAILED')
    expect(existsSync(`${dest}.part`)).toBe(false)
  })

  it('a server announcing more than the manifest size is refused before any byte is kept', async () => {
    const dest = join(dir, 'huge.bin')
    const err = await failure(downloadFile([`${base}/huge`], dest, { ...fast, maxBytes: payload.length }))
    expect(err.code).toBe('DOWNLOAD_FAILED')
    expect(err.message).toMatch(/announces 10737418240 bytes, more than the 300000 expected/)
    expect(existsSync(`${dest}.part`)).toBe(false)
  })

  it('an endless body stops at the size cap and leaves nothing behind', async () => {
    const dest = join(dir, 'endless.bin')
    const err = await failure(downloadFile([`${base}/endless`], dest, { ...fast, maxBytes: 1_000_000 }))
    expect(err.message).toMatch(/sent more than the 1000000 bytes expected/)
    expect(existsSync(`${dest}.part`)).toBe(false)
    expect(existsSync(dest)).toBe(false)
  })

  it('a trickle (never stalled, far too slow) is abandoned by the minimum rate', async () => {
    const dest = join(dir, 'trickle.bin')
    const err = await failure(
      downloadFile([`${base}/trickle`], dest, { ...fast, minBytesPerSecond: 1000, rateWindowMs: 300 })
    )
    expect(err.code).toBe('DOWNLOAD_FAILED')
    expect(err.message).toMatch(/too slow \(\d+ B\/s, below 1000 B\/s\)/)
  })

  it('the overall deadline ends a download that keeps making slow progress', async () => {
    const dest = join(dir, 'deadline.bin')
    const err = await failure(downloadFile([`${base}/trickle`], dest, { ...fast, retries: 5, deadlineMs: 400 }))
    expect(err.code).toBe('DOWNLOAD_FAILED')
    expect(err.message).toMatch(/not finished within 0.4 s/)
  })

  it('downloadLimits reads the bounds from the environment', () => {
    expect(
      downloadLimits({
        HEIRLOOM_DOWNLOAD_MAX_BYTES: '1000',
        HEIRLOOM_DOWNLOAD_DEADLINE_S: '2',
        HEIRLOOM_DOWNLOAD_MIN_RATE: '10',
        HEIRLOOM_DOWNLOAD_RATE_WINDOW_S: '0.5',
        HEIRLOOM_DOWNLOAD_STALL_S: '1'
      })
    ).toEqual({ maxBytes: 1000, deadlineMs: 2000, minBytesPerSecond: 10, rateWindowMs: 500, timeoutMs: 1000 })
    expect(downloadLimits({ HEIRLOOM_DOWNLOAD_MAX_BYTES: 'lots' }).maxBytes).toBe(8 * 2 ** 30)
  })

  it('cancellation -> CANCELLED and keeps the .part for later', async () => {
    const dest = join(dir, 'cancel.bin')
    const ctrl = new AbortController()
    const p = downloadFile([`${base}/stall`], dest, { sha256: sha, timeoutMs: 5000, signal: ctrl.signal })
    setTimeout(() => ctrl.abort(), 100)
    const err = await failure(p)
    expect(err.code).toBe('CANCELLED')
    expect(existsSync(dest)).toBe(false)
  })

  it('unreachable host -> DOWNLOAD_FAILED naming the URL', async () => {
    const err = await failure(downloadFile(['http://127.0.0.1:1/x'], join(dir, 'none.bin'), { ...fast, retries: 1 }))
    expect(err.code).toBe('DOWNLOAD_FAILED')
    expect(err.message).toContain('127.0.0.1:1')
  })
})
