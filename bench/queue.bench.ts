// Queue throughput: 24 photos through a real redis-server with 1, 2 and 3 `heirloom worker` processes (stand-in
// restorer, real YuNet). On this 2-core machine it should flatten at the cores; the figure is photos per second.
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ModelStore } from '../src/main/core/models/store'
import { identityRestorer, writeGraph } from '../tests/fixtures/model-graphs'
import { hasRedisServer, startRedis } from '../tests/helpers/redis-server'

const BIN = join(__dirname, '..', 'bin', 'heirloom.cjs')
// tests/helpers/shared-assets imports vitest, which a bench cannot load.
const SHARED = join(__dirname, '..', '..', 'shared')
const hasShared = existsSync(join(SHARED, 'photos'))
const photoPath = (name: string): string => join(SHARED, 'photos', name)
const PHOTOS = 24

export async function bench(): Promise<void> {
  if (!hasShared || !hasRedisServer) {
    console.log('queue bench skipped: needs ../shared and redis-server')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'heirloom-qbench-'))
  const redis = await startRedis()
  try {
    const input = join(dir, 'in')
    mkdirSync(input)
    for (let i = 0; i < PHOTOS; i++)
      copyFileSync(photoPath('old_scratched_two_faces_400x256.png'), join(input, `p${i}.png`))
    const models = join(dir, 'models')
    const store = new ModelStore({ dir: models })
    await store.importFile('yunet-2023mar', join(SHARED, 'models', 'yunet_s_640_640.onnx'))
    await store.importFile('gfpgan-1.4', writeGraph(dir, 'identity.onnx', identityRestorer()))
    const base = ['--models-dir', models, '--provider', 'cpu', '--redis', redis.url]
    let one = 0
    for (const n of [1, 2, 3]) {
      const queue = `bench${n}`
      const add = spawnSync(process.execPath, [
        BIN,
        'queue',
        'add',
        input,
        '--out',
        join(dir, `out${n}`),
        '--queue',
        queue,
        ...base
      ])
      if (add.status !== 0) throw new Error(add.stderr.toString())
      const t0 = performance.now()
      const workers = Array.from({ length: n }, () =>
        spawn(process.execPath, [BIN, 'worker', '--queue', queue, '--json', ...base], {
          stdio: ['ignore', 'pipe', 'ignore']
        })
      )
      let done = 0
      await new Promise<void>((resolve) => {
        for (const w of workers)
          w.stdout.on('data', (d: Buffer) => {
            done += d
              .toString()
              .split('\n')
              .filter((l) => l.startsWith('{')).length
            if (done >= PHOTOS) resolve()
          })
      })
      const s = (performance.now() - t0) / 1000
      for (const w of workers) w.kill('SIGTERM')
      const rate = PHOTOS / s
      if (n === 1) one = rate
      console.log(
        `${n} worker(s): ${PHOTOS} photos in ${s.toFixed(1)} s = ${rate.toFixed(2)} photos/s (${(rate / one).toFixed(2)}x one worker; includes worker start-up)`
      )
    }
  } finally {
    await redis.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
}
