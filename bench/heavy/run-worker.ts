// bench:heavy: runs a heavy graph in a worker thread through the app's adapter, as the pipeline worker does.
import { parentPort, workerData } from 'node:worker_threads'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import type { ProviderId } from '../../src/main/core/runtime/types'

const { path, runs } = workerData as { path: string; runs: number }

async function main(): Promise<void> {
  const session = await openSession(path, { provider: (process.env.HEIRLOOM_HEAVY_PROVIDER ?? 'cpu') as ProviderId })
  const input = { type: 'float32' as const, data: new Float32Array(3 * 512 * 512).fill(0.1), dims: [1, 3, 512, 512] }
  await session.run({ input })
  parentPort!.postMessage('loaded')
  parentPort!.once('message', () => {
    void (async () => {
      for (let i = 0; i < runs; i++) await session.run({ input })
      parentPort!.postMessage('done')
    })()
  })
}
void main()
