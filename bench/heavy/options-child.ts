// bench:heavy: one GFPGAN load + warm run with the given raw SessionOptions; prints {load, run, rss} as JSON.
import * as ort from 'onnxruntime-node'

async function main(): Promise<void> {
  const [path, json] = process.argv.slice(2)
  const opts = { executionProviders: ['cpu'], logSeverityLevel: 3, ...(JSON.parse(json) as object) }
  const t0 = performance.now()
  const session = await ort.InferenceSession.create(path, opts as ort.InferenceSession.SessionOptions)
  const load = performance.now() - t0
  const feeds = { input: new ort.Tensor('float32', new Float32Array(3 * 512 * 512).fill(0.1), [1, 3, 512, 512]) }
  await session.run(feeds)
  const t1 = performance.now()
  await session.run(feeds)
  const run = performance.now() - t1
  console.log(JSON.stringify({ load, run, rss: process.resourceUsage().maxRSS * 1024 }))
  await session.release()
}
void main()
