import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelStore } from '../../src/main/core/models/store'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'
import { storeWithDetector } from '../helpers/models-dir'
import { hasRedisServer, startRedis, type TestRedis } from '../helpers/redis-server'
import { hasShared, photoPath } from '../helpers/shared-assets'
import { builtCli, removeBuiltCli } from '../reliability/support/cli'

// Archive scale: a real redis-server, three real `heirloom worker` processes, SIGKILLs and a Redis restart.
// CI installs redis-server (.ci/run); where it is missing, CI fails here rather than skipping in silence.
if (process.env.CI && !hasRedisServer) throw new Error('redis-server is required in CI (.ci/run installs it)')

const PHOTOS = [
  'old_scratched_boy_256x256.png',
  'old_scratched_two_faces_400x256.png',
  'old_faded_boy_glasses_298x450.png'
]
const COUNT = 60

function walk(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...walk(p))
    else out.push(p)
  }
  return out
}

describe.runIf(hasShared && hasRedisServer)('queue + workers over a real Redis (BullMQ)', () => {
  let dir: string
  let input: string
  let models: string
  let redis: TestRedis
  let bin: string

  const cli = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [bin, ...args, '--models-dir', models, '--provider', 'cpu'], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 240_000
    })
    return { code: r.status, stdout: r.stdout, stderr: r.stderr }
  }

  beforeAll(async () => {
    bin = builtCli()
    dir = mkdtempSync(join(tmpdir(), 'heirloom-queue-'))
    input = join(dir, 'in')
    for (let i = 0; i < COUNT; i++) {
      const sub = join(input, `roll${i % 3}`)
      mkdirSync(sub, { recursive: true })
      copyFileSync(photoPath(PHOTOS[i % PHOTOS.length]), join(sub, `scan${String(i).padStart(2, '0')}.png`))
    }
    models = join(dir, 'models')
    await storeWithDetector(models)
    // The stand-in restorer installed under the manifest id, as `heirloom models import gfpgan-1.4 <file>` would.
    await new ModelStore({ dir: models }).importFile('gfpgan-1.4', writeGraph(dir, 'identity.onnx', identityRestorer()))
    redis = await startRedis()
  }, 300_000)

  afterAll(async () => {
    await redis?.dispose()
    removeBuiltCli()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('refuses bad targets and never prints a password', () => {
    const down = cli(['queue', 'status', '--redis', 'redis://user:s3cret@127.0.0.1:9/0'])
    expect(down.code).toBe(11)
    expect(down.stderr).toContain('Cannot reach Redis at redis://user:***@127.0.0.1:9/0')
    expect(down.stderr + down.stdout).not.toContain('s3cret')
    expect(cli(['queue', 'status', '--redis', 'http://127.0.0.1:9']).code).toBe(2)
    expect(cli(['queue', 'status']).stderr).toContain('--redis <url>')
  })

  it('60 photos, 3 workers, 10 SIGKILLs and a Redis restart: every photo done once, same bytes as a local batch', async () => {
    const ref = join(dir, 'ref')
    // Credentials carry a fresh signature per file, so both runs leave them out to compare bytes.
    const local = cli(['batch', input, '--out', ref, '--recursive', '--model', 'gfpgan-1.4', '--no-credentials'])
    expect(local.code, local.stderr).toBe(0)

    const out = join(dir, 'qout')
    const add = cli([
      'queue',
      'add',
      input,
      '--out',
      out,
      '--recursive',
      '--model',
      'gfpgan-1.4',
      '--redis',
      redis.url,
      '--json'
    ])
    expect(add.code, add.stderr).toBe(0)
    expect(JSON.parse(add.stdout)).toMatchObject({ queue: 'heirloom', photos: COUNT, added: COUNT })
    const again = cli([
      'queue',
      'add',
      input,
      '--out',
      out,
      '--recursive',
      '--model',
      'gfpgan-1.4',
      '--redis',
      redis.url
    ])
    expect(again.stdout).toContain(`0 photo(s) added (${COUNT} already queued)`)

    const logs: string[] = []
    const workers = new Set<ChildProcess>()
    let kills = 0
    // Kill a random worker each time three more photos are reported (decided as the lines arrive, so a fast machine
    // cannot finish the queue between two looks), and start a new one in its place.
    const onProgress = (): void => {
      if (kills < 10 && logs.length >= 3 * (kills + 1) && workers.size > 0) {
        const victims = [...workers]
        victims[Math.floor(Math.random() * victims.length)].kill('SIGKILL')
        kills++
        startWorker()
      }
    }
    const startWorker = (): void => {
      const w = spawn(
        process.execPath,
        [
          bin,
          'worker',
          '--redis',
          redis.url,
          '--lock-ms',
          '2000',
          '--json',
          '--no-credentials',
          '--models-dir',
          models,
          '--provider',
          'cpu'
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] }
      )
      let buf = ''
      w.stdout.on('data', (d: Buffer) => {
        buf += d.toString()
        const lines = buf.split('\n')
        buf = lines.pop()!
        logs.push(...lines.filter((l) => l.startsWith('{')))
        onProgress()
      })
      w.stderr.resume()
      w.once('exit', () => workers.delete(w))
      workers.add(w)
    }
    for (let i = 0; i < 3; i++) startWorker()

    const status = () => {
      const r = cli(['queue', 'status', '--redis', redis.url, '--json'])
      return r.code === 0 ? (JSON.parse(r.stdout) as { counts: Record<string, number> }).counts : undefined
    }
    const finished = () => {
      const c = status()
      return c !== undefined && c.completed + c.failed === COUNT && c.active === 0 && c.waiting === 0
    }

    let restarted = false
    const deadline = Date.now() + 600_000
    while (!finished() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1500))
      if (!restarted && kills >= 4) {
        // Redis goes away under the workers and comes back with its data: they reconnect and go on.
        await redis.stop()
        await new Promise((r) => setTimeout(r, 2000))
        await redis.start()
        restarted = true
      }
    }
    for (const w of workers) w.kill('SIGTERM')
    expect(kills).toBe(10)
    expect(restarted).toBe(true)
    expect(finished()).toBe(true)

    const report = cli(['queue', 'report', '--redis', redis.url, '--json'])
    const r = JSON.parse(report.stdout) as { files: { file: string; status: string }[]; errors: number; total: number }
    expect(r.total).toBe(COUNT)
    expect(r.errors).toBe(0)
    expect(new Set(r.files.map((f) => f.file)).size).toBe(COUNT)
    // Nothing doubled: no photo was written twice (a retry after a kill finds its own complete output and skips).
    const okPerFile = new Map<string, number>()
    for (const l of logs) {
      const e = JSON.parse(l) as { file: string; status: string }
      if (e.status === 'ok') okPerFile.set(e.file, (okPerFile.get(e.file) ?? 0) + 1)
    }
    for (const n of okPerFile.values()) expect(n).toBe(1)
    // Nothing lost, same bytes as the local batch, and no temp file left behind.
    const written = walk(out)
      .map((p) => relative(out, p))
      .sort()
    expect(written).toEqual(
      walk(ref)
        .filter((p) => p.endsWith('.png'))
        .map((p) => relative(ref, p))
        .sort()
    )
    for (const f of written) expect(readFileSync(join(out, f)).equals(readFileSync(join(ref, f))), f).toBe(true)
    expect(written.some((f) => f.endsWith('.tmp'))).toBe(false)
    expect(existsSync(join(out, 'roll0'))).toBe(true)
  }, 900_000)

  it('a malformed job fails without running, and a worker lacking a model says how to import it', async () => {
    const { Queue } = await import('bullmq')
    const q = new Queue('bad', { connection: { url: redis.url, maxRetriesPerRequest: null } })
    await q.add(
      'restore',
      { version: 1, operation: 'restore', inputRoot: '/', outputRoot: '/tmp', file: '../etc/passwd' },
      { jobId: 'evil' }
    )
    await q.add(
      'restore',
      {
        version: 1,
        operation: 'restore',
        inputRoot: input,
        outputRoot: join(dir, 'bad-out'),
        file: 'roll0/scan00.png',
        choice: {},
        options: { faces: 'all', strength: 0.8, fidelity: 0.5, upscale: 1, colorTransfer: false, overwrite: false },
        models: [{ id: 'codeformer', sha256: null }]
      },
      { jobId: 'nomodel' }
    )
    await q.close()
    const w = spawn(process.execPath, [bin, 'worker', '--redis', redis.url, '--queue', 'bad', '--models-dir', models], {
      stdio: 'ignore'
    })
    const deadline = Date.now() + 120_000
    let rep: { files: { file: string; code?: string; message?: string }[] } | undefined
    while (Date.now() < deadline) {
      const r = cli(['queue', 'report', '--redis', redis.url, '--queue', 'bad', '--json'])
      rep = r.code === 0 ? JSON.parse(r.stdout) : undefined
      if (rep && rep.files.length === 2) break
      await new Promise((res) => setTimeout(res, 1000))
    }
    w.kill('SIGTERM')
    const byFile = new Map(rep!.files.map((f) => [f.file, f]))
    expect(byFile.get('../etc/passwd')).toMatchObject({ code: 'INVALID_REQUEST' })
    expect(byFile.get('roll0/scan00.png')?.code).toBe('MODEL_MISSING')
    expect(byFile.get('roll0/scan00.png')?.message).toContain('heirloom models import codeformer <file>')
    expect(existsSync(join(dir, 'bad-out', 'roll0', 'scan00.png'))).toBe(false)
  }, 300_000)

  it('SIGTERM: the worker finishes the photo it holds, leaves the rest queued, and exits 0', async () => {
    const few = join(dir, 'few')
    mkdirSync(few)
    for (let i = 0; i < 4; i++) copyFileSync(photoPath(PHOTOS[1]), join(few, `p${i}.png`))
    const add = cli([
      'queue',
      'add',
      few,
      '--out',
      join(dir, 'few-out'),
      '--queue',
      'stop',
      '--model',
      'gfpgan-1.4',
      '--redis',
      redis.url
    ])
    expect(add.code, add.stderr).toBe(0)
    const w = spawn(
      process.execPath,
      [bin, 'worker', '--redis', redis.url, '--queue', 'stop', '--json', '--models-dir', models, '--provider', 'cpu'],
      { stdio: ['ignore', 'pipe', 'ignore'] }
    )
    const exited = new Promise<number | null>((res) => w.once('exit', (code) => res(code)))
    await new Promise<void>((res) => w.stdout.once('data', () => res()))
    w.kill('SIGTERM')
    expect(await exited).toBe(0)
    const counts = (
      JSON.parse(cli(['queue', 'status', '--queue', 'stop', '--redis', redis.url, '--json']).stdout) as {
        counts: Record<string, number>
      }
    ).counts
    expect(counts.active).toBe(0)
    expect(counts.failed).toBe(0)
    expect(counts.completed).toBeGreaterThanOrEqual(1)
    expect(counts.completed + counts.waiting).toBe(4)
  }, 300_000)

  it('a queued recipe (--repair --color) runs its steps in order on the worker', async () => {
    const few = join(dir, 'recipe')
    mkdirSync(few)
    for (let i = 0; i < 2; i++) copyFileSync(photoPath(PHOTOS[0]), join(few, `p${i}.png`))
    const out = join(dir, 'recipe-out')
    const add = cli([
      'queue',
      'add',
      few,
      '--out',
      out,
      '--queue',
      'recipe',
      '--repair',
      '--color',
      '--redis',
      redis.url
    ])
    expect(add.code, add.stderr).toBe(0)
    // A mask file fits one photo: it cannot be queued for a folder.
    const bad = cli([
      'queue',
      'add',
      few,
      '--out',
      out,
      '--queue',
      'recipe',
      '--repair-mask',
      join(few, 'p0.png'),
      '--redis',
      redis.url
    ])
    expect(bad.code).toBe(2)
    const w = spawn(
      process.execPath,
      [bin, 'worker', '--redis', redis.url, '--queue', 'recipe', '--models-dir', models, '--provider', 'cpu'],
      {
        stdio: 'ignore'
      }
    )
    const deadline = Date.now() + 120_000
    let rep: { files: { file: string; status: string }[] } | undefined
    while (Date.now() < deadline) {
      const r = cli(['queue', 'report', '--redis', redis.url, '--queue', 'recipe', '--json'])
      rep = r.code === 0 ? JSON.parse(r.stdout) : undefined
      if (rep && rep.files.length === 2) break
      await new Promise((res) => setTimeout(res, 1000))
    }
    w.kill('SIGTERM')
    expect(rep!.files.map((f) => f.status)).toEqual(['ok', 'ok'])
    const { default: sharp } = await import('sharp')
    const xmp = (await sharp(join(out, 'p0.png')).metadata()).xmp?.toString('utf8') ?? ''
    expect(xmp).toMatch(/repair \(.*color-fade.*restore \(/s)
  }, 300_000)
})
