// bench:heavy: one GFPGAN load + warm run with the given raw SessionOptions; prints {load, run, runCpu, runJsCpu, rss} as JSON.
import * as ort from 'onnxruntime-node'

async function main(): Promise<void> {
  const [path, json] = process.argv.slice(2)
  // `modelPath` (bench-only key) loads another file, e.g. the optimised model an earlier variant saved.
  const { modelPath, ...extra } = JSON.parse(json) as { modelPath?: string }
  const opts = { executionProviders: [process.env.HEIRLOOM_HEAVY_PROVIDER ?? 'cpu'], logSeverityLevel: 3, ...extra }
  const t0 = performance.now()
  const session = await ort.InferenceSession.create(modelPath ?? path, opts as ort.InferenceSession.SessionOptions)
  const load = performance.now() - t0
  const feeds = { input: new ort.Tensor('float32', new Float32Array(3 * 512 * 512).fill(0.1), [1, 3, 512, 512]) }
  await session.run(feeds)
  const c1 = process.cpuUsage()
  const t1 = performance.now()
  await session.run(feeds)
  const run = performance.now() - t1
  const c = process.cpuUsage(c1)
  const runCpu = (c.user + c.system) / 1000
  // A run followed by 300 ms of single-threaded JS (what align/post/paste do between runs): spinning pool threads
  // would add their CPU on top of the 300 ms.
  const c2 = process.cpuUsage()
  await session.run(feeds)
  const until = performance.now() + 300
  let x = 0
  while (performance.now() < until) x += Math.sqrt(x + 1)
  const c3 = process.cpuUsage(c2)
  const runJsCpu = (c3.user + c3.system) / 1000 + (x < 0 ? 1 : 0)
  console.log(JSON.stringify({ load, run, runCpu, runJsCpu, rss: process.resourceUsage().maxRSS * 1024 }))
  await session.release()
}
void main()
