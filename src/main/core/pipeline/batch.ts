import { existsSync, readFileSync } from 'node:fs'
import { mkdir, readdir, stat } from 'node:fs/promises'
import { dirname, extname, join, relative, resolve, sep } from 'node:path'
import type { AppError, ErrorCode, ErrorFields, ErrorReason } from '../../../shared/errors'
import { HeirloomError, toAppError } from '../errors'
import { removeStaleTempFiles, writeFileAtomic } from '../image/write'

/** Extensions batch picks up (what Heirloom can also write back in the same format). */
export const BATCH_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp'] as const
export const JOURNAL_NAME = '.heirloom-batch.json'
export const REPORT_NAME = 'heirloom-batch-report.json'

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
}

interface Journal {
  version: 1
  inputDir: string
  done: Record<string, { status: 'ok' | 'no-face'; output?: string }>
}

/** Does one file: reads `input`, writes `output` atomically (never over an existing file unless told), returns faces. */
export type BatchProcessor = (
  input: string,
  output: string,
  opts: { overwrite: boolean; signal: AbortSignal }
) => Promise<{ faces: number }>

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
}

/** Errors after which every other file would fail the same way: stop instead of grinding through the folder. */
const FATAL: readonly ErrorCode[] = ['MODEL_MISSING', 'MODEL_INVALID', 'MODEL_CONTRACT', 'CANCELLED']

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel))
}

/** Photo files under `dir`, sorted, as paths relative to it. */
export async function listPhotos(dir: string, recursive: boolean, skipDir?: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      const p = join(d, e.name)
      if (e.isDirectory()) {
        if (recursive && !e.name.startsWith('.') && p !== skipDir) await walk(p)
      } else if (e.isFile() && (BATCH_EXTENSIONS as readonly string[]).includes(extname(e.name).toLowerCase())) {
        out.push(relative(dir, p).split(sep).join('/'))
      }
    }
  }
  await walk(dir)
  return out
}

function readJournal(path: string, inputDir: string): Journal {
  const empty: Journal = { version: 1, inputDir, done: {} }
  if (!existsSync(path)) return empty
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Journal
    return j.version === 1 && j.inputDir === inputDir && j.done && typeof j.done === 'object' ? j : empty
  } catch {
    // A journal is only ever replaced atomically, so a bad one is foreign: start afresh rather than trust it.
    return empty
  }
}

/**
 * Restores a folder into a mirrored folder. Completion is recorded in a journal written atomically AFTER each
 * output's atomic rename, so after a kill at any point every existing output is complete; `resume` skips
 * journaled files and files whose output already exists (finished just before the kill), so nothing runs twice.
 */
export async function runBatch(opts: BatchOptions): Promise<BatchReport> {
  const inputDir = resolve(opts.inputDir)
  const outputDir = resolve(opts.outputDir)
  const info = await stat(inputDir).catch(() => undefined)
  if (!info?.isDirectory()) throw new HeirloomError('NOT_FOUND', `Input folder not found: ${opts.inputDir}`)
  if (inside(outputDir, inputDir) || inside(inputDir, outputDir)) {
    throw new HeirloomError(
      'FORBIDDEN',
      'The output folder must not be inside the input folder (or contain it): Heirloom never writes into the input tree.'
    )
  }
  const files = await listPhotos(inputDir, opts.recursive ?? false)
  // A kill mid-write leaves a hidden temp file (never at an output's name); clear those of dead writers.
  if (opts.resume) await removeStaleTempFiles(outputDir, { recursive: true })
  const journalPath = join(outputDir, JOURNAL_NAME)
  const journal: Journal = opts.resume ? readJournal(journalPath, inputDir) : { version: 1, inputDir, done: {} }
  const report: BatchReport = {
    inputDir,
    outputDir,
    total: files.length,
    ok: 0,
    noFace: 0,
    errors: 0,
    skipped: 0,
    cancelled: false,
    files: []
  }
  const controller = new AbortController()
  const onAbort = (): void => controller.abort()
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  if (opts.signal?.aborted) controller.abort()
  opts.onStart?.(files.length)
  const saveJournal = (): Promise<void> =>
    writeFileAtomic(journalPath, Buffer.from(JSON.stringify(journal)), { overwrite: true })
  try {
    for (let i = 0; i < files.length; i++) {
      const file = files[i]
      const input = join(inputDir, file)
      const output = join(outputDir, file)
      let result: BatchFileResult
      if (controller.signal.aborted) {
        report.cancelled = true
        break
      }
      if (opts.resume && (journal.done[file] || existsSync(output))) {
        result = { file, status: 'skipped', output: existsSync(output) ? output : undefined }
        if (!journal.done[file]) {
          // Finished before an interruption cut off its journal line: record it now, do not redo it.
          journal.done[file] = { status: 'ok', output }
          await saveJournal()
        }
      } else {
        const t0 = performance.now()
        try {
          // Checked up front so no model time is spent on a photo whose output may not be written.
          if (!opts.overwrite && existsSync(output)) {
            throw new HeirloomError('OUTPUT_EXISTS', `"${output}" already exists.`, {
              reason: 'output-exists',
              fields: { output }
            })
          }
          await mkdir(dirname(output), { recursive: true })
          const r = await opts.process(input, output, { overwrite: opts.overwrite ?? false, signal: controller.signal })
          result = { file, status: 'ok', output, faces: r.faces, ms: performance.now() - t0 }
          journal.done[file] = { status: 'ok', output }
          await saveJournal()
        } catch (err) {
          const e = toAppError(err)
          if (e.code === 'NO_FACE') {
            result = { file, status: 'no-face', ms: performance.now() - t0 }
            journal.done[file] = { status: 'no-face' }
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
            report.files.push(result)
            report.errors++
            opts.onFile?.(result, i + 1, files.length)
            if (!report.cancelled) report.stopped = { code: result.code!, message: result.message! }
            break
          }
        }
      }
      report.files.push(result)
      if (result.status === 'ok') report.ok++
      else if (result.status === 'no-face') report.noFace++
      else if (result.status === 'skipped') report.skipped++
      else report.errors++
      opts.onFile?.(result, i + 1, files.length)
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
  }
  return report
}
