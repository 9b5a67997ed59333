/** A real redis-server on 127.0.0.1 and a free port for one test file, persisted so a restart keeps the queue. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'

export const hasRedisServer = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0
if (!hasRedisServer) {
  console.warn('[heirloom tests] redis-server not installed (apt-get install redis-server): queue tests are skipped.')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

async function waitForPing(url: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    const c = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
    c.on('error', () => undefined)
    try {
      await c.connect()
      if ((await c.ping()) === 'PONG') return
    } catch {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer at ${url}`)
      await new Promise((r) => setTimeout(r, 100))
    } finally {
      c.disconnect()
    }
  }
}

export interface TestRedis {
  url: string
  stop(): Promise<void>
  start(): Promise<void>
  dispose(): Promise<void>
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'heirloom-redis-'))
  const url = `redis://127.0.0.1:${port}`
  let proc: ChildProcess | undefined
  const start = async (): Promise<void> => {
    proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always'
      ],
      { stdio: 'ignore' }
    )
    await waitForPing(url)
  }
  const stop = async (): Promise<void> => {
    const p = proc
    proc = undefined
    if (!p || p.exitCode !== null) return
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve())
      p.kill('SIGTERM')
    })
  }
  await start()
  return {
    url,
    start,
    stop,
    async dispose() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
