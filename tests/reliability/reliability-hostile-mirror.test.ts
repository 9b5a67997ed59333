/**
 * Every command that downloads, against a hostile mirror (HEIRLOOM_MODEL_MIRROR on 127.0.0.1) that sends wrong
 * bytes, closes mid-way, or stalls after the progress bar started: the process must END with an error code (before
 * the fix a running progress bar's timer kept it alive forever). The assertion is exit + code, not speed: the
 * per-run cap is generous and only stops a hang from blocking the suite.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkWords } from '../../src/main/cli/commands/models'
import { ModelStore } from '../../src/main/core/models/store'
import { identityRestorer } from '../fixtures/model-graphs'
import { serveLocally, type LocalServer } from '../helpers/local-http'
import { describeShared, modelPath, photoPath } from '../helpers/shared-assets'
import { builtCli, removeBuiltCli } from './support/cli'

type Mode = 'wrong-bytes' | 'close-midway' | 'stall'
let mode: Mode = 'wrong-bytes'
let server: LocalServer
const served: string[] = []
const BODY = 400_000

beforeAll(async () => {
  server = await serveLocally((req, res) => {
    served.push(`${mode} ${req.url}`)
    // The same hostile answer for every file name the CLI asks for.
    res.writeHead(200, { 'content-length': String(BODY), 'accept-ranges': 'bytes' })
    if (mode === 'wrong-bytes') res.end(Buffer.alloc(BODY, 0x5a))
    else if (mode === 'close-midway') res.write(Buffer.alloc(BODY / 2, 1), () => res.destroy())
    else res.write(Buffer.alloc(1000, 2)) // then nothing, ever
  })
})
afterAll(async () => {
  await server.close()
  removeBuiltCli()
})

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
  hung: boolean
}

/** Async spawn (the mirror lives in this process, so the test must not block its event loop). */
function run(args: string[], modelsDir: string, capMs = 150_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [builtCli(), ...args], {
      env: {
        ...process.env,
        HEIRLOOM_MODELS_DIR: modelsDir,
        HEIRLOOM_MODEL_MIRROR: `${server.base}/m/`,
        HEIRLOOM_ACCEPT_LICENSE: '1',
        // Small bounds so a stall is noticed soon; the publisher URLs are unreachable on a test machine anyway.
        HEIRLOOM_DOWNLOAD_STALL_S: '1',
        HEIRLOOM_DOWNLOAD_DEADLINE_S: '30'
      }
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.resume()
    let hung = false
    const cap = setTimeout(() => {
      hung = true
      child.kill('SIGKILL')
    }, capMs)
    child.on('close', (code, signal) => {
      clearTimeout(cap)
      resolve({ code, signal, stderr, hung })
    })
  })
}

const photo = (): string => photoPath('old_scratched_boy_256x256.png')

describeShared('a hostile mirror never leaves a CLI command hanging', () => {
  let work = ''
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'heirloom-hostile-'))
  })
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  /** A models folder; with the detector already there when the command's own model is the point. */
  async function modelsDir(withDetector: boolean): Promise<string> {
    const dir = mkdtempSync(join(work, 'models-'))
    if (withDetector) {
      const store = new ModelStore({ dir })
      await store.importFile('yunet-2023mar', modelPath('yunet_s_640_640.onnx'))
      await store.importFile('facemesh-468', modelPath('mediapipe_facemesh_468.onnx'))
    }
    return dir
  }

  const says: Record<Mode, string> = {
    'wrong-bytes': 'sends wrong bytes',
    'close-midway': 'closes mid-way',
    stall: 'stalls'
  }
  const commands: { name: string; detector: boolean; args: (out: string) => string[] }[] = [
    { name: 'models fetch', detector: false, args: () => ['models', 'fetch', 'yunet-2023mar'] },
    { name: 'models fetch (CRC model)', detector: false, args: () => ['models', 'fetch', 'gfpgan-1.4'] },
    { name: 'detect', detector: false, args: () => ['detect', photo()] },
    { name: 'restore', detector: true, args: (out) => ['restore', photo(), '--out', join(out, 'r.png')] },
    { name: 'age', detector: true, args: (out) => ['age', photo(), '--out', join(out, 'a.png'), '--edit-factor', '2'] }
  ]

  for (const m of ['wrong-bytes', 'close-midway', 'stall'] as const) {
    for (const c of commands) {
      it(`${c.name} exits with an error code when the mirror ${says[m]}`, { timeout: 200_000 }, async () => {
        mode = m
        served.length = 0
        const dir = await modelsDir(c.detector)
        const r = await run(c.args(dir), dir)
        expect(r.hung, `${c.name} did not exit: ${r.stderr.slice(-400)}`).toBe(false)
        expect(r.signal).toBeNull()
        expect(r.code, r.stderr).not.toBe(0)
        expect(r.stderr).toMatch(/^heirloom: error: /m)
        // Never a stack trace, and the hostile file was never installed.
        expect(r.stderr).not.toMatch(/\n\s+at /)
        expect(served.length).toBeGreaterThan(0)
      })
    }
  }
})

describe('downloads keep the publisher and the mirror apart', () => {
  it('the CRC .hash comes from the publisher only; a mirror serving junk is refused, not "verified"', async () => {
    const junk = Buffer.alloc(5000, 7)
    const asked: string[] = []
    const fetchImpl = (url: string): Promise<Response> => {
      asked.push(url)
      if (url.startsWith('http://mirror.test/')) return Promise.resolve(new Response(new Uint8Array(junk)))
      return Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }))
    }
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-crc-'))
    try {
      const store = new ModelStore({ dir, fetchImpl, mirrors: ['http://mirror.test/'] })
      const err = await store.install('gfpgan-1.4', { retries: 0, backoffMs: 1 }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'MODEL_INVALID', modelId: 'gfpgan-1.4' })
      expect((err as Error).message).toMatch(/^The file from http:\/\/mirror\.test\/gfpgan_1\.4\.onnx was refused/)
      // The checksum was asked of the publisher, never of the mirror.
      expect(asked.filter((u) => u.endsWith('.hash'))).toEqual([
        'https://github.com/facefusion/facefusion-assets/releases/download/models-3.0.0/gfpgan_1.4.hash'
      ])
      expect(store.status('gfpgan-1.4').state).toBe('missing')
      expect(() => readFileSync(join(dir, 'gfpgan_1.4.onnx'))).toThrow()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('what a download proved, in words', () => {
  it('publisher unreachable: a contract-valid file from the mirror is installed as "recorded", never "verified"', async () => {
    const good = identityRestorer(512)
    const fetchImpl = (url: string): Promise<Response> =>
      url.startsWith('http://mirror.test/')
        ? Promise.resolve(new Response(new Uint8Array(good)))
        : Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }))
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-words-'))
    try {
      const store = new ModelStore({ dir, fetchImpl, mirrors: ['http://mirror.test/'] })
      const outcome = await store.install('gfpgan-1.4', { retries: 0, backoffMs: 1 })
      expect(outcome).toMatchObject({ already: false, check: 'recorded-on-first-download' })
      expect(outcome.note).toMatch(/the publisher's CRC32 could not be fetched .*host not found/)
      const words = checkWords(outcome)
      expect(words).toMatch(/^not verified against the publisher \(the publisher's CRC32 could not be fetched/)
      expect(words).toMatch(/contract checked; SHA-256 recorded/)
      expect(words).not.toMatch(/\bverified\b(?! against)/)
      expect(store.status('gfpgan-1.4').state).toBe('installed')
      expect(await store.verify('gfpgan-1.4')).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('each check has its own words', () => {
    expect(checkWords({ path: 'x', already: false, check: 'sha256-pinned' })).toBe('SHA-256 matches the pinned value')
    expect(checkWords({ path: 'x', already: false, check: 'publisher-crc32' })).toBe(
      "CRC32 matches the publisher's; contract checked; SHA-256 recorded"
    )
  })
})
