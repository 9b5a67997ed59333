/**
 * Child process for the batch memory test: restores a folder in-process with the real batch runner and the real
 * restore pipeline, and prints one JSON line per photo with the RSS after it (after a GC when --expose-gc is on, so
 * only memory that is still referenced counts). Usage: <inputDir> <outputDir> <modelsDir> <restorer.onnx>
 */
import { createEngine } from '../../../src/main/core/engine'
import { runBatch } from '../../../src/main/core/pipeline/batch'
import { openRestoreDeps } from '../../../src/main/core/pipeline/restore-deps'
import { restoreFile } from '../../../src/main/core/pipeline/restore-photo'

async function main(): Promise<void> {
  const [inputDir, outputDir, modelsDir, restorer] = process.argv.slice(2)
  if (!inputDir || !outputDir || !modelsDir || !restorer) throw new Error('usage: <in> <out> <models> <restorer>')
  const engine = createEngine({ modelsDir, provider: 'cpu' })
  const deps = await openRestoreDeps(engine, { modelFile: restorer, modelKind: 'gfpgan', detect: { verify: 'never' } })
  const gc = (globalThis as { gc?: () => void }).gc
  const report = await runBatch({
    inputDir,
    outputDir,
    process: async (input, output, o) => {
      const r = await restoreFile(deps, input, output, { overwrite: o.overwrite, signal: o.signal })
      return { faces: r.faces.filter((f) => f.restored).length }
    },
    onFile: (r, done) => {
      gc?.()
      const m = process.memoryUsage()
      process.stdout.write(
        `${JSON.stringify({ done, status: r.status, rss: m.rss, heap: m.heapUsed, external: m.external })}\n`
      )
    }
  })
  await engine.dispose()
  process.stdout.write(
    `${JSON.stringify({ summary: { ok: report.ok, errors: report.errors, noFace: report.noFace }, maxRss: process.resourceUsage().maxRSS * 1024 })}\n`
  )
}

main().catch((err: unknown) => {
  process.stderr.write(`batch-rss-child failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
