import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../src/main/core/io/write-atomic'
import { lockOutputFolder } from '../../src/main/core/io/folder-lock'
import { checkWrite } from '../../src/main/core/io/output-guard'
import { JOURNAL_NAME, runBatch, type BatchProcessor } from '../../src/main/core/pipeline/batch'
import { runCliInProcess } from '../helpers/cli-in-process'

/** Issue 12 items 1, 2, 3, 6 (batch lock) and 15 (batch errors): every write goes through one guard. */

let dir: string
let input: string

async function png(path: string, shade: number): Promise<void> {
  await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: shade, g: shade, b: shade } } })
    .png()
    .toFile(path)
}

/** A real (cheap) per-photo job: re-encodes the input to the output through the guarded atomic writer. */
function copier(calls: string[] = []): BatchProcessor {
  return async (i, o, opts) => {
    calls.push(i)
    const data = await sharp(i).png().toBuffer()
    await writeFileAtomic(o, data, { overwrite: opts.overwrite, inputRoots: [opts.inputDir], protectedPaths: [i] })
    return { faces: 1 }
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'heirloom-guard-'))
  input = join(dir, 'in')
  mkdirSync(join(input, 'sub'), { recursive: true })
  await png(join(input, 'one.png'), 10)
  await png(join(input, 'two.png'), 200)
  await png(join(input, 'sub', 'three.png'), 90)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('item 1: --report and every other write go through one guard', () => {
  it('`batch in --report in/two.png` fails before any work with a clear message and leaves the photo untouched', async () => {
    const before = readFileSync(join(input, 'two.png'))
    const r = await runCliInProcess(['batch', input, '--out', join(dir, 'out'), '--report', join(input, 'two.png')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/FORBIDDEN|inside the input folder/)
    expect(r.stderr).toMatch(/never writes/)
    expect(readFileSync(join(input, 'two.png')).equals(before)).toBe(true)
  })

  it('a report path onto an existing foreign file needs --overwrite; --overwrite never reaches into the input tree', async () => {
    const notes = join(dir, 'notes.txt')
    writeFileSync(notes, 'my notes')
    const r = await runCliInProcess(['batch', input, '--out', join(dir, 'out'), '--report', notes])
    expect(r.code).toBe(5)
    expect(r.stderr).toMatch(/already exists/)
    expect(readFileSync(notes, 'utf8')).toBe('my notes')
    const r2 = await runCliInProcess([
      'batch',
      input,
      '--out',
      join(dir, 'out'),
      '--overwrite',
      '--report',
      join(input, 'sub', 'three.png')
    ])
    expect(r2.code).toBe(2)
    expect(statSync(join(input, 'sub', 'three.png')).size).toBeGreaterThan(0)
  })

  it('the guard itself: input tree, protected original, existing file, folder; a symlinked folder is seen through', async () => {
    symlinkSync(input, join(dir, 'lnk'))
    await expect(checkWrite(join(dir, 'lnk', 'new.png'), { inputRoots: [input] })).rejects.toMatchObject({
      code: 'FORBIDDEN'
    })
    await expect(
      checkWrite(join(dir, 'lnk', 'one.png'), { overwrite: true, protectedPaths: [join(input, 'one.png')] })
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(checkWrite(join(input, 'one.png'))).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' })
    await expect(checkWrite(join(input, 'sub'), { overwrite: true })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringMatching(/is a folder/)
    })
    await expect(
      writeFileAtomic(join(dir, 'lnk', 'x.json'), Buffer.from('{}'), { inputRoots: [input] })
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect((await checkWrite(join(dir, 'fresh.png'), { inputRoots: [input] })).replace).toBe(false)
  })
})

describe('item 2: symlinks and real paths', () => {
  it('an output folder reached through a symlink into the input tree is refused (realpath, not resolve)', async () => {
    symlinkSync(input, join(dir, 'lnk'))
    await expect(
      runBatch({ inputDir: input, outputDir: join(dir, 'lnk', 'out'), recursive: true, process: copier() })
    ).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/symbolic links/) })
    expect(() => statSync(join(input, 'out'))).toThrow()
  })

  it('symlinked photos inside the root are followed; links leaving it and other entries are listed with a reason', async () => {
    const outside = join(dir, 'elsewhere')
    mkdirSync(outside)
    await png(join(outside, 'secret.png'), 5)
    symlinkSync(join(input, 'one.png'), join(input, 'alias.png'))
    symlinkSync(join(outside, 'secret.png'), join(input, 'escape.png'))
    symlinkSync(outside, join(input, 'escape-dir'))
    symlinkSync(join(input, 'sub'), join(input, 'sub', 'loop'))
    symlinkSync(join(dir, 'gone.png'), join(input, 'dangling.png'))
    writeFileSync(join(input, 'readme.txt'), 'hi')
    const report = await runBatch({ inputDir: input, outputDir: join(dir, 'out'), recursive: true, process: copier() })
    expect(report.files.map((f) => [f.file, f.status])).toEqual([
      ['alias.png', 'ok'],
      ['one.png', 'ok'],
      ['sub/three.png', 'ok'],
      ['two.png', 'ok']
    ])
    const why = Object.fromEntries(report.skippedEntries.map((s) => [s.file, s.reason]))
    expect(why['escape.png']).toMatch(/outside the input folder/)
    expect(why['escape-dir']).toMatch(/outside the input folder/)
    expect(why['dangling.png']).toMatch(/broken/)
    expect(why['readme.txt']).toMatch(/not a photo/)
    expect(why['sub/loop/']).toMatch(/already listed/)
  })
})

describe('item 3: resume trusts only what the journal proves', () => {
  it('redoes a changed input, a changed recipe and a deleted output, and says why; skips the rest', async () => {
    const out = join(dir, 'out')
    const first = await runBatch({
      inputDir: input,
      outputDir: out,
      recursive: true,
      recipe: { s: 0.8 },
      process: copier()
    })
    expect(first.ok).toBe(3)
    // The photo changes (new content, new mtime), another's output is deleted.
    await png(join(input, 'one.png'), 250)
    utimesSync(join(input, 'one.png'), new Date(), new Date(Date.now() + 5000))
    rmSync(join(out, 'two.png'))
    const calls: string[] = []
    const again = await runBatch({
      inputDir: input,
      outputDir: out,
      recursive: true,
      resume: true,
      recipe: { s: 0.8 },
      process: copier(calls)
    })
    const by = Object.fromEntries(again.files.map((f) => [f.file, f]))
    expect(by['one.png']).toMatchObject({ status: 'ok', note: expect.stringMatching(/photo changed/) })
    expect(by['two.png']).toMatchObject({ status: 'ok', note: expect.stringMatching(/output was missing/) })
    expect(by['sub/three.png'].status).toBe('skipped')
    expect(calls.length).toBe(2)
    const { data } = await sharp(join(out, 'one.png')).raw().toBuffer({ resolveWithObject: true })
    expect(data[0]).toBe(250)
    // Another recipe: everything is redone, and says so.
    const third = await runBatch({
      inputDir: input,
      outputDir: out,
      recursive: true,
      resume: true,
      recipe: { s: 0.5 },
      process: copier()
    })
    expect(third.files.every((f) => f.status === 'ok' && /settings changed/.test(f.note ?? ''))).toBe(true)
  })

  it('resume with another input folder does not report the old outputs as done', async () => {
    const out = join(dir, 'out')
    await runBatch({ inputDir: input, outputDir: out, process: copier() })
    const other = join(dir, 'other')
    mkdirSync(other)
    await png(join(other, 'one.png'), 77)
    const r = await runBatch({ inputDir: other, outputDir: out, resume: true, process: copier() })
    expect(r.files).toEqual([
      expect.objectContaining({ file: 'one.png', status: 'ok', note: expect.stringMatching(/another input folder/) })
    ])
    const { data } = await sharp(join(out, 'one.png')).raw().toBuffer({ resolveWithObject: true })
    expect(data[0]).toBe(77)
  })

  it("another input folder's journal never licenses overwriting a file it does not list", async () => {
    const out = join(dir, 'out')
    const other = join(dir, 'other')
    mkdirSync(other)
    await png(join(other, 'zzz.png'), 1)
    await runBatch({ inputDir: other, outputDir: out, process: copier() })
    writeFileSync(join(out, 'one.png'), 'mine')
    const r = await runBatch({ inputDir: input, outputDir: out, resume: true, process: copier() })
    expect(r.files.find((f) => f.file === 'one.png')).toMatchObject({ status: 'error', code: 'OUTPUT_EXISTS' })
    expect(readFileSync(join(out, 'one.png'), 'utf8')).toBe('mine')
  })

  it('a photo that failed under --overwrite is not taken as done because an older file sits at its output', async () => {
    const out = join(dir, 'out')
    mkdirSync(out)
    writeFileSync(join(out, 'one.png'), 'old file')
    utimesSync(join(out, 'one.png'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
    const failing: BatchProcessor = (i, o, opts) =>
      i.endsWith('one.png') ? Promise.reject(new Error('model crashed')) : copier()(i, o, opts)
    const first = await runBatch({ inputDir: input, outputDir: out, overwrite: true, process: failing })
    expect(first.files[0]).toMatchObject({ file: 'one.png', status: 'error' })
    const again = await runBatch({ inputDir: input, outputDir: out, resume: true, process: copier() })
    expect(again.files.find((f) => f.file === 'one.png')?.status).toBe('ok')
    expect((await sharp(join(out, 'one.png')).metadata()).format).toBe('png')
  })

  it('an output with no journal record is not trusted on resume', async () => {
    const out = join(dir, 'out')
    mkdirSync(out)
    writeFileSync(join(out, 'one.png'), 'someone else')
    const r = await runBatch({ inputDir: input, outputDir: out, resume: true, process: copier() })
    expect(r.files[0]).toMatchObject({ file: 'one.png', status: 'error', code: 'OUTPUT_EXISTS' })
    expect(readFileSync(join(out, 'one.png'), 'utf8')).toBe('someone else')
    const j = JSON.parse(readFileSync(join(out, JOURNAL_NAME), 'utf8')) as { done: Record<string, { size: number }> }
    expect(j.done['two.png'].size).toBe(statSync(join(input, 'two.png')).size)
  })
})

describe('item 6 (batch part): two batches on one output folder', () => {
  it('the second says the folder is in use; after the first ends the folder is free again', async () => {
    const out = join(dir, 'out')
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let started!: () => void
    const isRunning = new Promise<void>((r) => (started = r))
    const slow: BatchProcessor = async (i, o, opts) => {
      started()
      await gate
      return copier()(i, o, opts)
    }
    const firstRun = runBatch({ inputDir: input, outputDir: out, process: slow })
    await isRunning
    await expect(runBatch({ inputDir: input, outputDir: out, process: copier() })).rejects.toMatchObject({
      code: 'BUSY',
      message: expect.stringMatching(/in use/)
    })
    release()
    expect((await firstRun).ok).toBe(2)
    const unlock = await lockOutputFolder(out)
    await unlock()
  })

  it('a lock left by a dead process is taken over at once (resume after SIGKILL)', async () => {
    const out = join(dir, 'out')
    mkdirSync(join(out, '.heirloom-batch.lock'), { recursive: true })
    // pid 2^22 + 1 is above Linux's pid_max default: no such process.
    writeFileSync(
      join(out, '.heirloom-batch.lock', 'owner.json'),
      JSON.stringify({ pid: 4194305, host: (await import('node:os')).hostname() })
    )
    const r = await runBatch({ inputDir: input, outputDir: out, resume: true, process: copier() })
    expect(r.ok).toBe(2)
  })
})

describe('item 15: batch errors say what happened', () => {
  it('an empty input folder, an input that is a file, an output path that is a file', async () => {
    const empty = join(dir, 'empty')
    mkdirSync(empty)
    await expect(runBatch({ inputDir: empty, outputDir: join(dir, 'o1'), process: copier() })).rejects.toMatchObject({
      message: expect.stringMatching(/is empty: it has no photos/)
    })
    await expect(
      runBatch({ inputDir: join(input, 'one.png'), outputDir: join(dir, 'o2'), process: copier() })
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/is a file, not a folder/) })
    writeFileSync(join(dir, 'o3'), 'x')
    await expect(runBatch({ inputDir: input, outputDir: join(dir, 'o3'), process: copier() })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringMatching(/is a file, not a folder/)
    })
    const onlySub = join(dir, 'only-sub')
    mkdirSync(join(onlySub, 'deeper'), { recursive: true })
    await png(join(onlySub, 'deeper', 'x.png'), 3)
    writeFileSync(join(onlySub, 'notes.txt'), 'x')
    await expect(runBatch({ inputDir: onlySub, outputDir: join(dir, 'o5'), process: copier() })).rejects.toMatchObject({
      message: expect.stringMatching(/no photos to process \(sub-folders need --recursive\): its 2 entries/)
    })
    // Via the CLI: the message, not "the folder does not exist".
    const r = await runCliInProcess(['batch', empty, '--out', join(dir, 'o4')])
    expect(r.stderr).toMatch(/has no photos/)
    expect(r.stderr).not.toMatch(/does not exist/)
  })
})
