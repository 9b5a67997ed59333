import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { goldenFaces } from '../helpers/golden-faces'
import { describeShared, photoPath } from '../helpers/shared-assets'
import { slowIdentityRestorer } from '../reliability/support/graphs'

const ROOT = resolve(__dirname, '..', '..')
const PHOTO = 'gfpgan_old_family_783x1146.png'

// Closing the app mid-batch used to terminate the worker thread while onnxruntime ran native code in it, which can
// abort the whole process ("terminate called after throwing an instance of 'Napi::Error'"). Run it in a child
// process so such an abort would show as a failed exit here, not kill the test runner.
const SCRIPT = String.raw`
const { PipelineWorkerClient } = require(${JSON.stringify(join(ROOT, 'src/main/worker/client.ts'))})
;(async () => {
  const [model, photo, modelsDir, facesJson] = process.argv.slice(2)
  const client = PipelineWorkerClient.start({ modelsDir, provider: 'cpu' })
  const s = await client.call('open', { input: photo })
  await client.call('setFaces', { sessionId: s.sessionId, faces: JSON.parse(facesJson) })
  let started
  const running = new Promise((r) => (started = r))
  const job = client
    .call('restoreFaces', { sessionId: s.sessionId, choice: { modelFile: model, modelKind: 'gfpgan' }, options: {} }, {
      onProgress: (e) => e.stage === 'face' && started()
    })
    .then(() => 'finished', (e) => e.code)
  await running
  await new Promise((r) => setTimeout(r, 60)) // the native run of that face is now under way in the worker
  const t0 = performance.now()
  const graceful = await client.close()
  console.log(JSON.stringify({ graceful, closeMs: Math.round(performance.now() - t0), job: await job }))
})()
`

describeShared('closing the pipeline worker while a model runs', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-shutdown-'))
    writeFileSync(join(dir, 'slow.onnx'), slowIdentityRestorer())
    writeFileSync(join(dir, 'run.ts'), SCRIPT)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('lets the run finish, frees the sessions and ends the thread: the process exits cleanly', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--require',
        'tsx/cjs',
        join(dir, 'run.ts'),
        join(dir, 'slow.onnx'),
        photoPath(PHOTO),
        join(dir, 'models'),
        JSON.stringify(goldenFaces(PHOTO, 'user'))
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 }
    )
    expect(r.stderr).not.toMatch(/terminate called|Napi::Error|Aborted/)
    expect(r.status, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { graceful: boolean; closeMs: number; job: string }
    console.log(
      `[worker shutdown] mid-run close: graceful ${out.graceful} in ${out.closeMs} ms; the job ended as ${out.job}`
    )
    expect(out.graceful).toBe(true)
    expect(out.job).toBe('CANCELLED')
  })
})
