// bench:heavy: loads the given graphs together through the app's adapter, runs each once, prints RSS as JSON.
import { statSync } from 'node:fs'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import type { ProviderId } from '../../src/main/core/runtime/types'
import type { TensorData } from '../../src/main/core/runtime/types'

async function main(): Promise<void> {
  const paths = process.argv.slice(2)
  const sessions = await Promise.all(
    paths.map((p) => openSession(p, { provider: (process.env.HEIRLOOM_HEAVY_PROVIDER ?? 'cpu') as ProviderId }))
  )
  const loaded = process.memoryUsage().rss
  for (const s of sessions) {
    const feeds: Record<string, TensorData> = {}
    for (const io of s.inputs) {
      // Dynamic dims (the upscaler) run at 64 px; float64 is CodeFormer's weight.
      const dims = io.dims.map((d) => (typeof d === 'number' && d > 0 ? d : 64))
      const n = dims.reduce((a, b) => a * b, 1)
      feeds[io.name] =
        io.type === 'float64'
          ? { type: 'float64', data: new Float64Array(n).fill(0.5), dims }
          : { type: 'float32', data: new Float32Array(n).fill(0.1), dims }
    }
    await s.run(feeds)
  }
  const files = paths.reduce((n, p) => n + statSync(p).size, 0)
  console.log(JSON.stringify({ files, loaded, peak: process.resourceUsage().maxRSS * 1024 }))
  await Promise.all(sessions.map((s) => s.dispose()))
}
void main()
