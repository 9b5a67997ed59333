import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { AppRuntime } from '../../src/main/app-services'
import { createEngine } from '../../src/main/core/engine'
import { repairOp } from '../../src/main/core/operations/repair'
import { JOURNAL_NAME } from '../../src/main/core/pipeline/batch'
import { PipelineWorkerClient } from '../../src/main/worker/client'
import type { BatchRequest } from '../../src/shared/ipc/types'
import { ipcCall, ipcRaw, testAppRuntime } from '../helpers/app-runtime'
import { placeDetectorFile } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

/** Raw RGB bytes of a photo file. */
const rgb = (path: string): Promise<Buffer> => sharp(path).removeAlpha().raw().toBuffer()

/** How many bytes of two same-sized images differ. */
async function changedBytes(a: string, b: string): Promise<number> {
  const [x, y] = await Promise.all([rgb(a), rgb(b)])
  expect(x.length).toBe(y.length)
  let n = 0
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) n++
  return n
}

/** Mean absolute difference of two same-sized images' RGB bytes. */
async function meanDiff(a: string, b: string): Promise<number> {
  const [x, y] = await Promise.all([rgb(a), rgb(b)])
  let sum = 0
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i] - y[i])
  return sum / x.length
}

interface JournalFile {
  version: number
  done: Record<string, { status: string; recipe: string; pending?: true }>
}
const journal = (out: string): JournalFile => JSON.parse(readFileSync(join(out, JOURNAL_NAME), 'utf8')) as JournalFile

describeShared("the app's batch repairs a folder of real scratched photos through the registry's file job", () => {
  let dir: string
  let input: string
  let modelsDir: string
  let runtime: AppRuntime
  const folders: string[] = []
  const photos = {
    'boy.png': 'old_scratched_boy_256x256.png',
    'two.png': 'old_scratched_two_faces_400x256.png',
    'sub/woman.png': 'old_scratched_woman_496x624.png'
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-batch-repair-'))
    input = join(dir, 'scans')
    mkdirSync(join(input, 'sub'), { recursive: true })
    for (const [name, photo] of Object.entries(photos)) copyFileSync(photoPath(photo), join(input, name))
    // YuNet from ../shared: the automatic mask protects the faces it finds, as in the editor and the CLI.
    modelsDir = join(dir, 'models')
    placeDetectorFile(modelsDir)
    runtime = testAppRuntime({
      dir,
      modelsDir,
      dialogs: {
        chooseImage: () => Promise.resolve(null),
        saveFile: () => Promise.resolve(null),
        chooseFolder: () => Promise.resolve(folders.shift() ?? null),
        chooseModelFile: () => Promise.resolve(null)
      }
    })
    await ipcCall(runtime, 'updateSettings', { contentCredentials: false, provider: 'cpu' })
  }, 120_000)
  afterAll(async () => {
    await runtime?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  const repair: BatchRequest = {
    jobId: 'jbatchrep1',
    recursive: true,
    operation: 'repair',
    strength: 1,
    format: 'same',
    repair: { method: 'classic', sensitivity: 0.5 }
  }

  it('repairs every photo into mirrored names, journaled; resume skips the done and redoes a lost output', async () => {
    const out = join(dir, 'repaired')
    folders.push(input, out)
    expect((await ipcCall(runtime, 'chooseBatchInput', { recursive: true }))?.images).toBe(3)
    await ipcCall(runtime, 'chooseOutputFolder', undefined)
    const originals = Object.keys(photos).map((f) => readFileSync(join(input, f)))

    const first = await ipcCall(runtime, 'runBatch', repair)
    expect(first.cancelled).toBe(false)
    expect(first.rows.map((r) => [r.file, r.status, r.output])).toEqual([
      ['boy.png', 'ok', 'boy.png'],
      ['sub/woman.png', 'ok', 'sub/woman.png'],
      ['two.png', 'ok', 'two.png']
    ])
    // Real repairs: the scratches were inpainted (pixels changed), the sizes kept, the originals untouched.
    for (const f of Object.keys(photos)) {
      const changed = await changedBytes(join(input, f), join(out, f))
      expect(changed, f).toBeGreaterThan(100)
      const [a, b] = await Promise.all([sharp(join(input, f)).metadata(), sharp(join(out, f)).metadata()])
      expect([b.width, b.height]).toEqual([a.width, a.height])
    }
    Object.keys(photos).forEach((f, i) => expect(readFileSync(join(input, f)).equals(originals[i])).toBe(true))
    // The journal knows every file as finished with one recipe.
    const j = journal(out)
    expect(Object.keys(j.done).sort()).toEqual(['boy.png', 'sub/woman.png', 'two.png'])
    expect(Object.values(j.done).every((e) => e.status === 'ok' && !e.pending)).toBe(true)
    expect(new Set(Object.values(j.done).map((e) => e.recipe)).size).toBe(1)

    // The same file job run here, in process, writes the same pixels: the batch ran the registry's repair.
    const engine = createEngine({ modelsDir, provider: 'cpu' })
    const here = join(dir, 'here-boy.png')
    await repairOp.fileJob.run(engine, { input: join(input, 'boy.png'), output: here }, repair.repair!, {})
    expect((await rgb(here)).equals(await rgb(join(out, 'boy.png')))).toBe(true)

    // A lost output (and an interrupted run's pending line) is redone; the rest is skipped.
    const woman = join(out, 'sub', 'woman.png')
    const womanBytes = readFileSync(woman)
    rmSync(woman)
    const boyTime = statSync(join(out, 'boy.png')).mtimeMs
    folders.push(out)
    expect((await ipcCall(runtime, 'chooseOutputFolder', undefined))?.resumable).toBe(3)
    const again = await ipcCall(runtime, 'runBatch', { ...repair, jobId: 'jbatchrep2', resume: true })
    expect(again.rows.map((r) => [r.file, r.status])).toEqual([
      ['boy.png', 'skipped'],
      ['sub/woman.png', 'ok'],
      ['two.png', 'skipped']
    ])
    expect(again.rows[1].note).toMatch(/output was missing/)
    expect(statSync(join(out, 'boy.png')).mtimeMs).toBe(boyTime)
    // Deterministic: the redone photo is the same repair.
    expect((await rgb(woman)).equals(await sharp(womanBytes).removeAlpha().raw().toBuffer())).toBe(true)

    // Other settings: a resume redoes every photo, saying why.
    const stricter = await ipcCall(runtime, 'runBatch', {
      ...repair,
      jobId: 'jbatchrep3',
      resume: true,
      repair: { method: 'classic', sensitivity: 0.9 }
    })
    expect(stricter.rows.map((r) => r.status)).toEqual(['ok', 'ok', 'ok'])
    expect(stricter.rows.every((r) => /settings changed/.test(r.note ?? ''))).toBe(true)
  }, 300_000)

  it('LaMa without its model is refused before any photo; bad settings never reach the worker', async () => {
    const out = join(dir, 'lama')
    folders.push(out)
    await ipcCall(runtime, 'chooseOutputFolder', undefined)
    const lama = await ipcRaw(runtime, 'runBatch', {
      ...repair,
      jobId: 'jbatchrep4',
      repair: { method: 'lama', sensitivity: 0.5 }
    })
    expect(lama).toMatchObject({ ok: false, error: { code: 'MODEL_MISSING', modelId: 'lama-2025jan' } })
    expect(existsSync(join(out, JOURNAL_NAME))).toBe(false)
    const bad = await ipcRaw(runtime, 'runBatch', {
      ...repair,
      jobId: 'jbatchrep5',
      repair: { method: 'classic', sensitivity: 2 }
    })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
  })
})

describeShared("the app's batch corrects fading over a folder (colour, fade only: no model)", () => {
  let dir: string
  let input: string
  let runtime: AppRuntime
  const folders: string[] = []
  const photos = {
    'glasses.jpg': 'old_faded_boy_glasses_298x450.png',
    'boy.png': 'old_scratched_boy_256x256.png',
    'sub/family.png': 'old_scratched_woman_496x624.png'
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-batch-colour-'))
    input = join(dir, 'scans')
    mkdirSync(join(input, 'sub'), { recursive: true })
    for (const [name, photo] of Object.entries(photos)) {
      if (name.endsWith('.jpg')) await sharp(photoPath(photo)).jpeg({ quality: 95 }).toFile(join(input, name))
      else copyFileSync(photoPath(photo), join(input, name))
    }
    // No models at all: fade correction needs none.
    runtime = testAppRuntime({
      dir,
      modelsDir: join(dir, 'models'),
      dialogs: {
        chooseImage: () => Promise.resolve(null),
        saveFile: () => Promise.resolve(null),
        chooseFolder: () => Promise.resolve(folders.shift() ?? null),
        chooseModelFile: () => Promise.resolve(null)
      }
    })
    await ipcCall(runtime, 'updateSettings', { contentCredentials: false, provider: 'cpu' })
  }, 120_000)
  afterAll(async () => {
    await runtime?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  const colour: BatchRequest = {
    jobId: 'jbatchcol1',
    recursive: true,
    operation: 'color',
    strength: 1,
    format: 'same',
    color: { fade: 'auto', colorize: 'none' }
  }

  it('writes corrected photos into mirrored names, journaled; resume skips them; other settings redo them', async () => {
    const out = join(dir, 'corrected')
    folders.push(input, out)
    expect((await ipcCall(runtime, 'chooseBatchInput', { recursive: true }))?.images).toBe(3)
    await ipcCall(runtime, 'chooseOutputFolder', undefined)
    const first = await ipcCall(runtime, 'runBatch', colour)
    expect(first.rows.map((r) => [r.file, r.status, r.output])).toEqual([
      ['boy.png', 'ok', 'boy.png'],
      ['glasses.jpg', 'ok', 'glasses.jpg'],
      ['sub/family.png', 'ok', 'sub/family.png']
    ])
    // The faded photo's tones were stretched: many pixels changed, the size kept, the original untouched.
    const before = readFileSync(join(input, 'glasses.jpg'))
    expect(await changedBytes(join(input, 'glasses.jpg'), join(out, 'glasses.jpg'))).toBeGreaterThan(10_000)
    expect(readFileSync(join(input, 'glasses.jpg')).equals(before)).toBe(true)
    const meta = await sharp(join(out, 'glasses.jpg')).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 298, 450])
    const fullDiff = await meanDiff(join(input, 'glasses.jpg'), join(out, 'glasses.jpg'))
    const j = journal(out)
    expect(Object.keys(j.done).sort()).toEqual(['boy.png', 'glasses.jpg', 'sub/family.png'])
    expect(Object.values(j.done).every((e) => e.status === 'ok' && !e.pending)).toBe(true)

    folders.push(out)
    expect((await ipcCall(runtime, 'chooseOutputFolder', undefined))?.resumable).toBe(3)
    const again = await ipcCall(runtime, 'runBatch', { ...colour, jobId: 'jbatchcol2', resume: true })
    expect(again.rows.map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped'])
    const weaker = await ipcCall(runtime, 'runBatch', {
      ...colour,
      jobId: 'jbatchcol3',
      resume: true,
      color: { fade: 'auto', strength: 0.3, colorize: 'none' }
    })
    expect(weaker.rows.map((r) => r.status)).toEqual(['ok', 'ok', 'ok'])
    expect(weaker.rows.every((r) => /settings changed/.test(r.note ?? ''))).toBe(true)
    // The weaker correction really ran: it is nearer the original than the full one was, and not the original.
    const weak = await meanDiff(join(input, 'glasses.jpg'), join(out, 'glasses.jpg'))
    expect(weak).toBeGreaterThan(0.2)
    expect(weak).toBeLessThan(fullDiff * 0.8)
  }, 300_000)
})

describeShared('runFileJob: one worker request for every registry file job', () => {
  let dir: string
  let client: PipelineWorkerClient
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-run-file-job-'))
    placeDetectorFile(join(dir, 'models'))
    client = PipelineWorkerClient.start({ modelsDir: join(dir, 'models'), provider: 'cpu' })
  })
  afterAll(async () => {
    await client?.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const io = () => ({ input: photoPath('old_scratched_boy_256x256.png'), output: join(dir, 'out.png') })

  it('refuses an unknown operation, one without a file job, and params its schema refuses, writing nothing', async () => {
    await expect(client.call('runFileJob', { op: 'nope', ...io(), params: {} })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/Unknown operation "nope".*repair/)
    })
    await expect(client.call('runFileJob', { op: 'detect', ...io(), params: {} })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/no whole-file job/)
    })
    await expect(
      client.call('runFileJob', { op: 'repair', ...io(), params: { method: 'magic', sensitivity: 0.5 } })
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/repair params\.method/) })
    await expect(
      client.call('runFileJob', { op: 'repair', ...io(), params: { method: 'classic', sensitivity: 0.5, x: 1 } })
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    expect(existsSync(join(dir, 'out.png'))).toBe(false)
  })

  it('runs crop and repair by id and answers what the batch records', async () => {
    const crop = await client.call('runFileJob', {
      op: 'crop',
      input: photoPath('old_scratched_two_faces_400x256.png'),
      output: join(dir, 'crops', 'two.png'),
      inputDir: dirname(photoPath('old_scratched_two_faces_400x256.png')),
      outputDir: join(dir, 'crops'),
      params: { aspect: '1:1' }
    })
    expect(crop.faces).toBe(2)
    expect(crop.outputs?.map((p) => p.slice(join(dir, 'crops').length + 1))).toEqual([
      'old_scratched_two_faces_400x256-face1.png',
      'old_scratched_two_faces_400x256-face2.png'
    ])
    const rep = await client.call('runFileJob', {
      op: 'repair',
      ...io(),
      params: { method: 'classic', sensitivity: 0.5 }
    })
    expect(rep.faces).toBeGreaterThanOrEqual(1)
    expect(existsSync(join(dir, 'out.png'))).toBe(true)
  }, 120_000)
})
