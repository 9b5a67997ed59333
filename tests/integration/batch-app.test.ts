import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { AppRuntime } from '../../src/main/app-services'
import { JOURNAL_NAME } from '../../src/main/core/pipeline/batch'
import type { BatchRequest } from '../../src/shared/ipc/types'
import { prepareAgeModels } from '../e2e/support/age-fixtures'
import { ipcCall, ipcRaw, testAppRuntime } from '../helpers/app-runtime'
import { describeShared, modelPath, photoPath } from '../helpers/shared-assets'

/** Mean absolute difference of two same-sized images' RGB bytes. */
async function meanDiff(a: string, b: string): Promise<number> {
  const [x, y] = await Promise.all([a, b].map((p) => sharp(p).removeAlpha().raw().toBuffer()))
  expect(x.length).toBe(y.length)
  let sum = 0
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i] - y[i])
  return sum / x.length
}

describeShared("the app's batch: the core engine for every operation the CLI batch does", () => {
  let dir: string
  let input: string
  let runtime: AppRuntime
  const folders: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-batch-app-'))
    input = join(dir, 'scans')
    mkdirSync(join(input, 'sub'), { recursive: true })
    copyFileSync(photoPath('old_scratched_boy_256x256.png'), join(input, 'a.png'))
    await sharp(photoPath('old_faded_boy_glasses_298x450.png'))
      .jpeg({ quality: 95 })
      .toFile(join(input, 'sub', 'b.jpg'))
    // A format Heirloom reads but does not write: its output is a PNG under the same stem.
    await sharp(photoPath('old_scratched_boy_256x256.png')).gif().toFile(join(input, 'c.gif'))
    // Named like photos the decoder of this build cannot read: not offered, not attempted.
    writeFileSync(join(input, 'd.bmp'), 'BM not really')
    writeFileSync(join(input, 'e.heic'), 'not really')
    const modelsDir = await prepareAgeModels(modelPath('yunet_s_640_640.onnx'))
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
    // Content Credentials sign each file afresh; not what this test is about.
    await ipcCall(runtime, 'updateSettings', { contentCredentials: false, provider: 'cpu' })
  }, 120_000)
  afterAll(async () => {
    await runtime?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  const age: BatchRequest = {
    jobId: 'jbatchage1',
    recursive: true,
    operation: 'age',
    model: 'gfpgan-1.4',
    strength: 1,
    format: 'same',
    age: { route: 'styleganex', years: 30, restoreAfter: true }
  }

  it('ages a folder into mirrored names, journaled; the folder then offers to resume, and a resume skips all', async () => {
    const out = join(dir, 'aged')
    folders.push(input, out)
    const inputChoice = await ipcCall(runtime, 'chooseBatchInput', { recursive: true })
    expect(inputChoice?.images).toBe(3)
    expect((await ipcCall(runtime, 'chooseOutputFolder', undefined))?.resumable).toBeUndefined()

    const first = await ipcCall(runtime, 'runBatch', age)
    expect(first.cancelled).toBe(false)
    expect(first.rows.map((r) => [r.file, r.status, r.output])).toEqual([
      ['a.png', 'ok', 'a.png'],
      ['c.gif', 'ok', 'c.png'],
      ['sub/b.jpg', 'ok', 'sub/b.jpg']
    ])
    expect(first.notTaken).toEqual([
      { file: 'd.bmp', reason: 'not a photo file type' },
      { file: 'e.heic', reason: 'not a photo file type' }
    ])
    expect(existsSync(join(out, JOURNAL_NAME))).toBe(true)
    // The stand-in age model draws bands over each face: the outputs really went through it.
    expect(await meanDiff(join(input, 'a.png'), join(out, 'a.png'))).toBeGreaterThan(0.5)
    expect((await sharp(join(out, 'c.png')).metadata()).format).toBe('png')

    folders.push(out)
    expect((await ipcCall(runtime, 'chooseOutputFolder', undefined))?.resumable).toBe(3)
    // An app started again after a crash learns it with its settings: the remembered folder's journal is offered.
    expect((await ipcCall(runtime, 'getSettings', undefined)).outputResumable).toBe(3)
    const again = await ipcCall(runtime, 'runBatch', { ...age, jobId: 'jbatchage2', resume: true })
    expect(again.rows.map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped'])
    // Without resume, the finished outputs are not written over.
    const fresh = await ipcCall(runtime, 'runBatch', { ...age, jobId: 'jbatchage3' })
    expect(fresh.rows.map((r) => r.code)).toEqual(['OUTPUT_EXISTS', 'OUTPUT_EXISTS', 'OUTPUT_EXISTS'])
  }, 300_000)

  it('a route whose models are missing is refused before any photo, naming what to download', async () => {
    const r = await ipcRaw(runtime, 'runBatch', {
      ...age,
      jobId: 'jbatchage4',
      age: { route: 'sam', years: 0, targetAge: 70, restoreAfter: false }
    })
    expect(r).toMatchObject({ ok: false, error: { code: 'MODEL_MISSING' } })
  })

  it('crops every face into the mirrored folder; resume skips the photos done', async () => {
    const out = join(dir, 'crops')
    folders.push(out)
    await ipcCall(runtime, 'chooseOutputFolder', undefined)
    const crop: BatchRequest = {
      jobId: 'jbatchcrop1',
      recursive: true,
      operation: 'detect-crop',
      strength: 1,
      format: 'png',
      aspect: '1:1'
    }
    const first = await ipcCall(runtime, 'runBatch', crop)
    expect(first.rows.map((r) => [r.file, r.status, r.output])).toEqual([
      ['a.png', 'ok', 'a-face1.png'],
      ['c.gif', 'ok', 'c-face1.png'],
      ['sub/b.jpg', 'ok', 'sub/b-face1.png']
    ])
    const meta = await sharp(join(out, 'sub', 'b-face1.png')).metadata()
    expect(meta.width).toBe(meta.height)
    const again = await ipcCall(runtime, 'runBatch', { ...crop, jobId: 'jbatchcrop2', resume: true })
    expect(again.rows.map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped'])
    // A hostile folder: a.gif beside a.png would share face names; that photo is refused, the other keeps its crop.
    await sharp(photoPath('old_scratched_boy_256x256.png')).gif().toFile(join(input, 'a.gif'))
    const before = readFileSync(join(out, 'a-face1.png'))
    try {
      const clash = await ipcCall(runtime, 'runBatch', { ...crop, jobId: 'jbatchcrop3', resume: true })
      expect(clash.rows.map((r) => [r.file, r.status, r.code])).toEqual([
        ['a.gif', 'error', 'OUTPUT_EXISTS'],
        ['a.png', 'skipped', undefined],
        ['c.gif', 'skipped', undefined],
        ['sub/b.jpg', 'skipped', undefined]
      ])
      expect(readFileSync(join(out, 'a-face1.png')).equals(before)).toBe(true)
    } finally {
      rmSync(join(input, 'a.gif'))
    }
  }, 300_000)
})
