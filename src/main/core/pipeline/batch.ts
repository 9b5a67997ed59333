import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, readFile, stat } from 'node:fs/promises'
import { dirname, extname, join, resolve } from 'node:path'
import PQueue from 'p-queue'
import type { AppError, ErrorCode, ErrorFields, ErrorReason } from '../../../shared/errors'
import { HeirloomError, toAppError } from '../errors'
import { formatFromPath } from '../image/encode'
import { readablePhotoExtensions } from '../image/photo-format'
import { removeStaleTempFiles, writeFileAtomic } from '../io/write-atomic'
import { lockOutputFolder } from '../io/folder-lock'
import { canonicalPath, checkWrite, isInside } from '../io/output-guard'
import { listPhotoFiles, type SkippedEntry } from '../io/walk-photos'

/**
 * Extensions batch picks up: what the decoder really reads on this build of sharp (photo-format.ts). A photo whose
 * format Heirloom does not write (GIF, AVIF) gets a PNG output.
 */
export const BATCH_EXTENSIONS: readonly string[] = readablePhotoExtensions()
export const JOURNAL_NAME = '.heirloom-batch.json'
export const REPORT_NAME = 'heirloom-batch-report.json'
export const REPORT_KIND = 'heirloom-batch-report'

export type BatchStatus = 'ok' | 'no-face' | 'error' | 'skipped'

export interface BatchFileResult {
  /** Path relative to the input folder ('/' separators). */
  file: string
  status: BatchStatus
  output?: string
  faces?: number
  code?: ErrorCode
  message?: string
  /** Finer reason and its values, so each front end can word the row for its user. */
  reason?: ErrorReason
  fields?: ErrorFields
  ms?: number
  /** Why a resumed run did this file again (the input, the settings or the output changed). */
  note?: string
  /** Per restored face: SFace similarity original vs result (when the identity helper is installed). */
  identity?: BatchFaceIdentity[]
}

export interface BatchFaceIdentity {
  face: number
  similarity: number
  samePerson: boolean
  /** Keep identity's strength change, when it ran. */
  strength?: number
  reached?: boolean
}

export interface BatchReport {
  inputDir: string
  outputDir: string
  total: number
  ok: number
  noFace: number
  errors: number
  skipped: number
  cancelled: boolean
  /** A model error that would fail every file stopped the batch early. */
  stopped?: AppError
  files: BatchFileResult[]
  /** Entries of the input folder not taken (other file types, links leaving the folder...), with the reason. */
  skippedEntries: SkippedEntry[]
  /** Marks the file as Heirloom's report, so a later run may replace it without --overwrite. */
  kind: typeof REPORT_KIND
}

/** The output format: the input's own where Heirloom writes it (else PNG), or one format for every photo. */
export type BatchFormat = 'same' | 'png' | 'jpeg'

/** Does one file: reads `input`, writes `output` atomically (never over an existing file unless told), returns faces. */
export type BatchProcessor = (
  input: string,
  output: string,
  opts: { overwrite: boolean; signal: AbortSignal; inputDir: string }
) => Promise<{ faces: number; identity?: BatchFaceIdentity[] }>

export interface BatchOptions {
  inputDir: string
  outputDir: string
  recursive?: boolean
  resume?: boolean
  overwrite?: boolean
  process: BatchProcessor
  signal?: AbortSignal
  onStart?: (total: number) => void
  onFile?: (result: BatchFileResult, done: number, total: number) => void
  /** What is done to each photo (model, options): a resumed run redoes the files done with another recipe. */
  recipe?: unknown
  /** Output format (default 'same'); the mirrored name keeps its stem and takes the format's extension. */
  format?: BatchFormat
  /** Renames a planned output (relative, '/' separators), e.g. crop's `<stem>-face1.png`. */
  outputName?: (name: string) => string
  /**
   * The queue the photos go through, one at a time (p-queue): `pause()` holds the next photo, `start()` goes on.
   * The app keeps it to pause and resume; without one the batch makes its own.
   */
  queue?: PQueue
  /** A photo is about to be worked on (after the resume decision: skipped photos do not start). */
  onFileStart?: (file: string, index: number, total: number) => void
}

interface JournalEntry {
  status: 'ok' | 'no-face'
  output?: string
  /** The input as it was when this entry was written: a resumed run redoes a file whose input changed. */
  size: number
  mtimeMs: number
  recipe: string
  /**
   * Written before the photo starts (with when): after a kill, a pending entry whose output was written after that
   * moment is finished; an older file at the output path (one --overwrite failed to replace) is not.
   */
  pending?: true
  started?: number
}

interface Journal {
  version: 2
  inputDir: string
  done: Record<string, JournalEntry>
}

/** Errors after which every other file would fail the same way: stop instead of grinding through the folder. */
const FATAL: readonly ErrorCode[] = ['MODEL_MISSING', 'MODEL_INVALID', 'MODEL_CONTRACT', 'CANCELLED']

const PHOTO_EXTENSIONS: ReadonlySet<string> = new Set(BATCH_EXTENSIONS)

const FORMAT_EXT: Record<Exclude<BatchFormat, 'same'>, string> = { png: '.png', jpeg: '.jpg' }

/** The output's extension for one input: its own when Heirloom writes that format, else the chosen one or PNG. */
function outputExt(file: string, format: BatchFormat): string {
  const ext = extname(file)
  if (format !== 'same') return FORMAT_EXT[format]
  try {
    formatFromPath(file)
    return ext
  } catch {
    return '.png'
  }
}

/**
 * Mirrored output names (relative to the output folder) for the listed inputs: the same path with the output's
 * extension. Two inputs that would meet at one name (a.gif and a.png, both written as PNG) keep their own extension
 * in the name (a.gif.png), so no output is ever shared; the plan depends only on the listing, so a resumed run
 * plans the same names.
 */
export function planOutputs(files: readonly string[], format: BatchFormat = 'same'): Map<string, string> {
  const plan = new Map<string, string>()
  const taken = new Map<string, number>()
  const swap = (f: string): string => f.slice(0, f.length - extname(f).length) + outputExt(f, format)
  for (const f of files) {
    const name = swap(f).toLowerCase()
    taken.set(name, (taken.get(name) ?? 0) + 1)
  }
  for (const f of files) {
    const named = swap(f)
    const clash = named !== f && (taken.get(named.toLowerCase()) ?? 0) > 1
    plan.set(f, clash ? `${f}${outputExt(f, format)}` : named)
  }
  return plan
}

/** What an output folder's journal says, for an offer to resume (undefined: no journal there). */
export function readJournalSummary(outputDir: string): { inputDir: string; finished: number } | undefined {
  const j = readJournal(join(resolve(outputDir), JOURNAL_NAME))
  if (!j) return undefined
  return { inputDir: j.inputDir, finished: Object.values(j.done).filter((e) => !e.pending).length }
}

/**
 * Photo files under `dir`, sorted, as paths relative to it (symlinks followed while they stay inside), never inside
 * `exclude` (an output folder, compared by real path).
 */
export async function listPhotos(dir: string, recursive: boolean, exclude?: string): Promise<string[]> {
  const excluded = exclude ? [await canonicalPath(exclude)] : []
  return (await listPhotoFiles(dir, { recursive, extensions: PHOTO_EXTENSIONS, exclude: excluded })).files
}

/** Canonical JSON (sorted keys) hashed: the same options in any order are the same recipe. */
export function recipeHash(recipe: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])])
          )
        : v
  return createHash('sha256')
    .update(JSON.stringify(canon(recipe ?? null)) ?? 'null')
    .digest('hex')
    .slice(0, 16)
}

function readJournal(path: string): Journal | undefined {
  if (!existsSync(path)) return undefined
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Journal
    return j.version === 2 && typeof j.inputDir === 'string' && j.done && typeof j.done === 'object' ? j : undefined
  } catch {
    // A journal is only ever replaced atomically, so a bad one is foreign: start afresh rather than trust it.
    return undefined
  }
}

/** Is the file at `path` an earlier Heirloom journal (so a new run may replace it)? */
async function isJournal(path: string): Promise<boolean> {
  const j = JSON.parse(await readFile(path, 'utf8')) as { version?: unknown; done?: unknown }
  return (j.version === 1 || j.version === 2) && typeof j.done === 'object'
}

/** Is the file at `path` an earlier Heirloom batch report (so a new run may replace it)? */
export async function isBatchReport(path: string): Promise<boolean> {
  const st = await stat(path)
  if (st.size > 64 * 1024 * 1024) return false
  const r = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
  // Reports written before `kind` existed have this exact shape.
  return (
    r.kind === REPORT_KIND ||
    (typeof r.inputDir === 'string' && typeof r.outputDir === 'string' && Array.isArray(r.files))
  )
}

/** What resuming should do with one file, and why. */
function resumeDecision(
  entry: JournalEntry | undefined,
  input: { size: number; mtimeMs: number },
  recipe: string,
  output: { exists: boolean; mtimeMs?: number },
  foreign: boolean
): { skip: boolean; ours: boolean; note?: string } {
  if (!entry) return { skip: false, ours: false }
  if (foreign) {
    // The journal in this output folder was written for another input folder: its outputs are Heirloom's but wrong.
    return { skip: false, ours: true, note: 'redone: the output folder held results of another input folder' }
  }
  const outputExists = output.exists && (!entry.pending || (output.mtimeMs ?? 0) >= (entry.started ?? Infinity) - 2000)
  const sameInput = entry.size === input.size && entry.mtimeMs === input.mtimeMs
  if (!sameInput) return { skip: false, ours: true, note: 'redone: the photo changed since the last run' }
  if (entry.recipe !== recipe)
    return { skip: false, ours: true, note: 'redone: the settings changed since the last run' }
  if (entry.status === 'no-face' && !entry.pending) return { skip: true, ours: true }
  if (outputExists) return { skip: true, ours: true }
  if (entry.pending) return { skip: false, ours: true }
  return { skip: false, ours: true, note: 'redone: its output was missing' }
}

/**
 * Restores a folder into a mirrored folder. Each file is journaled as pending (with its input's size, mtime and the
 * recipe) before it starts and as done after its output's atomic rename, so after a kill at any point every existing
 * output is complete and known. `resume` skips a file only when the journal says it was finished from the same input
 * with the same recipe and its output is still there; anything else is redone, with a note saying why.
 */
export async function runBatch(opts: BatchOptions): Promise<BatchReport> {
  const inputDir = resolve(opts.inputDir)
  const outputDir = resolve(opts.outputDir)
  const info = await stat(inputDir).catch(() => undefined)
  if (!info) throw new HeirloomError('NOT_FOUND', `Input folder not found: ${opts.inputDir}`)
  if (!info.isDirectory()) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `"${opts.inputDir}" is a file, not a folder; use \`heirloom restore\` (or \`age\`) for a single photo.`
    )
  }
  // Real paths: a symlink must not walk the output into the input tree (or the input into the output).
  const realIn = await canonicalPath(inputDir)
  const realOut = await canonicalPath(outputDir)
  if (isInside(realOut, realIn) || isInside(realIn, realOut)) {
    throw new HeirloomError(
      'FORBIDDEN',
      `The output folder must not be inside the input folder (or contain it), also through symbolic links: "${opts.outputDir}" is "${realOut}". Heirloom never writes into the input tree.`
    )
  }
  const outInfo = await stat(outputDir).catch(() => undefined)
  if (outInfo && !outInfo.isDirectory()) {
    throw new HeirloomError('WRITE_FAILED', `The output path "${opts.outputDir}" is a file, not a folder.`)
  }
  const listing = await listPhotoFiles(inputDir, {
    recursive: opts.recursive ?? false,
    extensions: PHOTO_EXTENSIONS,
    exclude: [realOut]
  })
  const files = listing.files
  if (files.length === 0) {
    const n = listing.skipped.length
    const sub = listing.skipped.some((s) => s.reason.startsWith('a sub-folder'))
      ? ' (sub-folders need --recursive)'
      : ''
    throw new HeirloomError(
      'NOT_FOUND',
      n === 0
        ? `The input folder "${opts.inputDir}" is empty: it has no photos to process.`
        : `The input folder "${opts.inputDir}" has no photos to process${sub}: its ${n} entr${n === 1 ? 'y is' : 'ies are'} not ${BATCH_EXTENSIONS.join(' ')} photos.`
    )
  }
  try {
    await mkdir(outputDir, { recursive: true })
  } catch (err) {
    const code = (err as { code?: string }).code
    const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'a part of it is a file, not a folder' : String(code ?? err)
    throw new HeirloomError('WRITE_FAILED', `Could not create the output folder "${opts.outputDir}": ${why}.`, {
      cause: err
    })
  }
  const unlock = await lockOutputFolder(outputDir)
  try {
    return await runLocked(opts, inputDir, realIn, outputDir, files, listing.skipped)
  } finally {
    await unlock()
  }
}

async function runLocked(
  opts: BatchOptions,
  inputDir: string,
  realIn: string,
  outputDir: string,
  files: string[],
  skippedEntries: SkippedEntry[]
): Promise<BatchReport> {
  // A kill mid-write leaves a hidden temp file (never at an output's name); clear those of dead writers.
  if (opts.resume) await removeStaleTempFiles(outputDir, { recursive: true })
  const recipe = recipeHash(opts.recipe)
  const journalPath = join(outputDir, JOURNAL_NAME)
  const previous = opts.resume ? readJournal(journalPath) : undefined
  const foreign = previous !== undefined && previous.inputDir !== realIn
  const journal: Journal = { version: 2, inputDir: realIn, done: previous && !foreign ? previous.done : {} }
  const foreignDone = foreign ? previous.done : {}
  const guard = { inputRoots: [inputDir] }
  const report: BatchReport = {
    kind: REPORT_KIND,
    inputDir,
    outputDir,
    total: files.length,
    ok: 0,
    noFace: 0,
    errors: 0,
    skipped: 0,
    cancelled: false,
    files: [],
    skippedEntries
  }
  const outputs = planOutputs(files, opts.format)
  if (opts.outputName) for (const [f, name] of outputs) outputs.set(f, opts.outputName(name))
  const controller = new AbortController()
  const onAbort = (): void => controller.abort()
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  if (opts.signal?.aborted) controller.abort()
  opts.onStart?.(files.length)
  const saveJournal = (): Promise<void> =>
    writeFileAtomic(journalPath, Buffer.from(JSON.stringify(journal)), { ...guard, replaceable: isJournal })
  /** One photo; true when the batch must stop (an error every other photo would hit too). */
  const one = async (i: number): Promise<boolean> => {
    const file = files[i]
    const input = join(inputDir, file)
    const output = join(outputDir, outputs.get(file) ?? file)
    let result: BatchFileResult
    const t0 = performance.now()
    const st = await stat(input).catch(() => undefined)
    const now = { size: st?.size ?? -1, mtimeMs: st?.mtimeMs ?? -1 }
    const entry = journal.done[file]
    const out = await stat(output).catch(() => undefined)
    const decision = opts.resume
      ? resumeDecision(
          foreign ? foreignDone[file] : entry,
          now,
          recipe,
          { exists: !!out, mtimeMs: out?.mtimeMs },
          foreign
        )
      : { skip: false, ours: false }
    if (decision.skip) {
      result = { file, status: 'skipped', output: existsSync(output) ? output : undefined }
      if (entry?.pending) {
        // Finished before an interruption cut off its journal line: record it now, do not redo it.
        const { pending: _p, started: _s, ...finished } = entry
        journal.done[file] = finished
        await saveJournal()
      }
    } else {
      const overwrite = (opts.overwrite ?? false) || decision.ours
      try {
        // Checked up front so no model time is spent on a photo whose output may not be written.
        if (!overwrite && existsSync(output)) {
          throw opts.resume
            ? new HeirloomError(
                'OUTPUT_EXISTS',
                `"${output}" already exists and this folder's journal has no record of it; use --overwrite to redo it.`
              )
            : new HeirloomError('OUTPUT_EXISTS', `"${output}" already exists.`, {
                reason: 'output-exists',
                fields: { output }
              })
        }
        await checkWrite(output, { ...guard, overwrite, protectedPaths: [input] })
        await mkdir(dirname(output), { recursive: true })
        journal.done[file] = { status: 'ok', output, ...now, recipe, pending: true, started: Date.now() }
        await saveJournal()
        opts.onFileStart?.(file, i, files.length)
        const r = await opts.process(input, output, { overwrite, signal: controller.signal, inputDir })
        result = {
          file,
          status: 'ok',
          output,
          faces: r.faces,
          ...(r.identity && r.identity.length > 0 ? { identity: r.identity } : {}),
          ms: performance.now() - t0
        }
        journal.done[file] = { status: 'ok', output, ...now, recipe }
        await saveJournal()
      } catch (err) {
        const e = toAppError(err)
        if (e.code === 'NO_FACE') {
          result = { file, status: 'no-face', ms: performance.now() - t0 }
          journal.done[file] = { status: 'no-face', ...now, recipe }
          await saveJournal()
        } else {
          result = {
            file,
            status: 'error',
            code: e.code,
            message: e.message,
            ...(e.reason ? { reason: e.reason, fields: e.fields } : {}),
            ms: performance.now() - t0
          }
          if (e.code === 'CANCELLED' || controller.signal.aborted) report.cancelled = true
        }
        if (result.status === 'error' && FATAL.includes(result.code!)) {
          if (decision.note) result.note = decision.note
          report.files.push(result)
          report.errors++
          opts.onFile?.(result, i + 1, files.length)
          // The whole AppError: which models are missing (and whether a licence is the reason) reaches the CLI.
          if (!report.cancelled) report.stopped = e
          return true
        }
      }
      if (decision.note) result.note = decision.note
    }
    report.files.push(result)
    if (result.status === 'ok') report.ok++
    else if (result.status === 'no-face') report.noFace++
    else if (result.status === 'skipped') report.skipped++
    else report.errors++
    opts.onFile?.(result, i + 1, files.length)
    return false
  }
  // One photo at a time through p-queue: pausing it holds the next photo; a cancel drops the waiting one.
  const queue = opts.queue ?? new PQueue({ concurrency: 1 })
  try {
    for (let i = 0; i < files.length; i++) {
      if (controller.signal.aborted) {
        report.cancelled = true
        break
      }
      let stop: boolean | 'cancelled'
      try {
        stop = await oneInQueue(queue, () => one(i), controller.signal)
      } catch (err) {
        if (!controller.signal.aborted) throw err
        report.cancelled = true
        break
      }
      if (stop === 'cancelled') {
        report.cancelled = true
        break
      }
      if (stop) break
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
  }
  return report
}

/**
 * Runs one photo through the (pausable) queue. A cancel drops a photo still waiting (e.g. while paused); a photo
 * already running is awaited to its end, so its output is complete or absent before the folder lock goes. (p-queue's
 * own `signal` would reject a running task at once and leave it writing after runBatch returned.)
 */
function oneInQueue<T>(queue: PQueue, run: () => Promise<T>, signal: AbortSignal): Promise<T | 'cancelled'> {
  let started = false
  const done = queue.add((): Promise<T | 'cancelled'> => {
    if (signal.aborted) return Promise.resolve('cancelled')
    started = true
    return run()
  })
  const dropped = new Promise<'cancelled'>((resolve) => {
    const onAbort = (): void => {
      if (!started) resolve('cancelled')
    }
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  done.catch(() => undefined)
  return Promise.race([done, dropped])
}
