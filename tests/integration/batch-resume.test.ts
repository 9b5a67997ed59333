import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  existsSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../src/main/core/engine'
import { decodePhoto } from '../../src/main/core/image/decode'
import { JOURNAL_NAME, runBatch, type BatchProcessor } from '../../src/main/core/pipeline/batch'
import { openRestoreDeps } from '../../src/main/core/pipeline/restore-deps'
import { restoreFile } from '../../src/main/core/pipeline/restore-photo'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'
import { runCliInProcess } from '../helpers/cli-in-process'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

describeShared('batch restore: mirrored tree, journal, resume', () => {
  let dir: string
  let input: string
  let models: string
  let identity: string
  let engine: Engine

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-batch-'))
    input = join(dir, 'in')
    mkdirSync(join(input, 'sub', 'deeper'), { recursive: true })
    copyFileSync(photoPath('old_scratched_two_faces_400x256.png'), join(input, 'a.png'))
    copyFileSync(photoPath('old_faded_boy_glasses_298x450.png'), join(input, 'sub', 'b.png'))
    copyFileSync(photoPath('old_scratched_boy_256x256.png'), join(input, 'sub', 'deeper', 'c.png'))
    copyFileSync(photoPath('old_no_face_street_736x1016.png'), join(input, 'sub', 'street.png'))
    writeFileSync(join(input, 'notes.txt'), 'not a photo')
    writeFileSync(join(input, 'broken.jpg'), 'not really a jpeg')
    models = join(dir, 'models')
    await storeWithDetector(models, { landmarks: true })
    identity = writeGraph(dir, 'identity.onnx', identityRestorer())
    engine = createEngine({ modelsDir: models, provider: 'cpu' })
  })
  afterAll(async () => {
    await engine?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('an interruption and a crash before the journal write: resume finishes the rest and does no file twice', async () => {
    const out = join(dir, 'out1')
    const deps = await openRestoreDeps(engine, { modelFile: identity, modelKind: 'gfpgan' })
    const calls: string[] = []
    const processor: BatchProcessor = async (i, o, opts) => {
      calls.push(i)
      const r = await restoreFile(deps, i, o, { overwrite: opts.overwrite, signal: opts.signal })
      return { faces: r.faces.length }
    }
    // First run: Ctrl-C after the first photo is done.
    const ac = new AbortController()
    const first = await runBatch({
      inputDir: input,
      outputDir: out,
      recursive: true,
      process: processor,
      signal: ac.signal,
      onFile: (_r, done) => done === 1 && ac.abort()
    })
    expect(first.cancelled).toBe(true)
    expect(first.files.map((f) => [f.file, f.status])).toEqual([['a.png', 'ok']])
    expect(calls.length).toBe(1)
    const aStat = statSync(join(out, 'a.png')).mtimeMs

    // Second run is killed after sub/b.png's output landed but before its journal entry was written.
    const journal = JSON.parse(readFileSync(join(out, JOURNAL_NAME), 'utf8')) as { done: Record<string, unknown> }
    expect(Object.keys(journal.done)).toEqual(['a.png'])
    // The "kill": b's output lands, then the run dies before the journal marks it done (its pending line stays).
    const killed = new AbortController()
    await runBatch({
      inputDir: input,
      outputDir: out,
      recursive: true,
      resume: true,
      signal: killed.signal,
      process: async (i, o, opts) => {
        await processor(i, o, opts)
        killed.abort()
        throw new Error('killed before the journal write')
      }
    })
    const bStat = statSync(join(out, 'sub', 'b.png')).mtimeMs

    const before = calls.length
    const resumed = await runBatch({
      inputDir: input,
      outputDir: out,
      recursive: true,
      resume: true,
      process: processor
    })
    const byFile = Object.fromEntries(resumed.files.map((f) => [f.file, f]))
    expect(byFile['a.png'].status).toBe('skipped')
    expect(byFile['sub/b.png'].status).toBe('skipped')
    expect(byFile['sub/deeper/c.png'].status).toBe('ok')
    expect(byFile['sub/street.png'].status).toBe('no-face')
    expect(byFile['broken.jpg']).toMatchObject({ status: 'error', code: 'UNSUPPORTED' })
    expect(resumed.files.some((f) => f.file === 'notes.txt')).toBe(false)
    // Only the three unfinished photos ran; a and b were not redone.
    expect(
      calls
        .slice(before)
        .map((c) => c.slice(input.length + 1))
        .sort()
    ).toEqual(['broken.jpg', 'sub/deeper/c.png', 'sub/street.png'])
    expect(statSync(join(out, 'a.png')).mtimeMs).toBe(aStat)
    expect(statSync(join(out, 'sub', 'b.png')).mtimeMs).toBe(bStat)
    expect(existsSync(join(out, 'sub', 'street.png'))).toBe(false)
    // Every output is a complete photo.
    for (const f of ['a.png', 'sub/b.png', 'sub/deeper/c.png'])
      expect((await decodePhoto(join(out, f))).image.width).toBeGreaterThan(0)

    // A third resume does nothing at all.
    const n = calls.length
    const third = await runBatch({ inputDir: input, outputDir: out, recursive: true, resume: true, process: processor })
    expect(calls.length - n).toBe(1) // only broken.jpg, which never finished
    expect(third.skipped).toBe(4)
  }, 180_000)

  it('refuses an output inside the input tree and never overwrites without --overwrite', async () => {
    const processor: BatchProcessor = () => Promise.resolve({ faces: 0 })
    await expect(
      runBatch({ inputDir: input, outputDir: join(input, 'sub', 'out'), process: processor })
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(runBatch({ inputDir: input, outputDir: dir, process: processor })).rejects.toMatchObject({
      code: 'FORBIDDEN'
    })
  })

  it('heirloom batch (CLI over the worker): JSON report, non-recursive, existing outputs kept', async () => {
    const out = join(dir, 'out2')
    mkdirSync(out, { recursive: true })
    writeFileSync(join(out, 'a.png'), 'pre-existing')
    const { code, stdout } = await runCliInProcess([
      'batch',
      input,
      '--out',
      out,
      '--model-file',
      identity,
      '--model-kind',
      'gfpgan',
      '--models-dir',
      models,
      '--provider',
      'cpu',
      '--json'
    ])
    const report = JSON.parse(stdout) as { total: number; files: { file: string; status: string; code?: string }[] }
    expect(report.total).toBe(2)
    expect(report.files).toEqual([
      expect.objectContaining({ file: 'a.png', status: 'error', code: 'OUTPUT_EXISTS' }),
      expect.objectContaining({ file: 'broken.jpg', status: 'error', code: 'UNSUPPORTED' })
    ])
    expect(readFileSync(join(out, 'a.png'), 'utf8')).toBe('pre-existing')
    expect(code).not.toBe(0)
    expect((JSON.parse(readFileSync(join(out, 'heirloom-batch-report.json'), 'utf8')) as { total: number }).total).toBe(
      2
    )
  }, 120_000)
})
