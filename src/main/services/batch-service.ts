import { readdir, rm } from 'node:fs/promises'
import { basename, dirname, extname, join, relative, sep } from 'node:path'
import PQueue from 'p-queue'
import type { BatchProgress, BatchRequest, BatchRow, BatchSummary, FolderChoice } from '../../shared/ipc/types'
import { HeirloomError } from '../core/errors'
import {
  listPhotos,
  readJournalSummary,
  runBatch,
  type BatchFileResult,
  type BatchProcessor
} from '../core/pipeline/batch'
import type { ModelStore } from '../core/models/store'
import { LAMA_MODEL_ID } from '../core/stages/repair/types'
import { getOperation } from '../core/operations'
import { colorModels, colorParams } from '../core/operations/color'
import { ageJobFor } from './age-routes'
import type { JobRunner } from './job-runner'
import type { PipelineHost } from './pipeline-host'

export interface BatchDeps {
  worker: PipelineHost
  jobs: JobRunner
  /** Main's model store: an age batch checks its route's models before the first photo. */
  store: () => ModelStore
  emit: (p: BatchProgress) => void
  /** The folders chosen with the dialogs (never named by the renderer). */
  inputFolder: () => string | undefined
  outputFolder: () => string | undefined
}

/** Remaining time from the mean time per finished file. */
export function etaMs(elapsedMs: number, done: number, total: number): number | undefined {
  if (done === 0) return undefined
  return Math.round((elapsedMs / done) * (total - done))
}

/** One result row as the Batch panel shows it (paths relative to the output folder). */
export function batchRow(r: BatchFileResult, outDir: string): BatchRow {
  const output = r.output ? relative(outDir, r.output).split(sep).join('/') : undefined
  const note = r.note ? { note: r.note } : {}
  switch (r.status) {
    case 'ok':
      return { file: r.file, status: 'ok', faces: r.faces ?? 0, ...(output ? { output } : {}), ...note }
    case 'skipped':
      return { file: r.file, status: 'skipped', reason: 'done by an earlier run', ...(output ? { output } : {}) }
    case 'no-face':
      return { file: r.file, status: 'no-face', faces: 0, code: 'NO_FACE', reason: 'No face was found.', ...note }
    case 'error':
      return { file: r.file, status: 'error', code: r.code, reason: r.message, ...note }
  }
}

/** Crop writes one file per face: `<stem>-face<N><ext>` beside the mirrored name; face 1 stands for the photo. */
const faceName = (name: string, n: number): string => {
  const ext = extname(name)
  return `${name.slice(0, name.length - ext.length)}-face${n}${ext}`
}

/**
 * The app's Batch panel over the core batch engine (core/pipeline/batch.ts, the CLI's too): mirrored names, the
 * journal, resume after a crash, the folder lock and the list of entries not taken. Each photo is one worker request;
 * pause/resume is the engine's p-queue held and started; cancel aborts the running photo.
 */
export class BatchService {
  private readonly queues = new Map<string, PQueue>()

  constructor(private readonly d: BatchDeps) {}

  async describeInput(folder: string, recursive: boolean): Promise<FolderChoice> {
    const images = await listPhotos(folder, recursive, this.d.outputFolder())
    return { name: basename(folder), folder, images: images.length }
  }

  /** An output folder as the panel shows it, with what an earlier interrupted batch finished there. */
  describeOutput(folder: string): FolderChoice {
    const journal = readJournalSummary(folder)
    return { name: basename(folder), folder, ...(journal ? { resumable: journal.finished } : {}) }
  }

  setPaused(jobId: string, paused: boolean): void {
    const q = this.queues.get(jobId)
    if (!q) throw new HeirloomError('NOT_FOUND', 'That batch is not running.')
    if (paused) q.pause()
    else q.start()
  }

  async run(req: BatchRequest): Promise<BatchSummary> {
    const inDir = this.d.inputFolder()
    const outDir = this.d.outputFolder()
    if (!inDir) throw new HeirloomError('INVALID_REQUEST', 'Choose an input folder first.')
    if (!outDir) throw new HeirloomError('INVALID_REQUEST', 'Choose an output folder first.')
    const { process, recipe, outputName } = this.plan(req, outDir)
    const job = this.d.jobs.track(req.jobId)
    const queue = new PQueue({ concurrency: 1 })
    this.queues.set(req.jobId, queue)
    const rows: BatchRow[] = []
    let total = 0
    const started = performance.now()
    const progress = (extra: Partial<BatchProgress>): void =>
      this.d.emit({
        jobId: req.jobId,
        done: rows.length,
        total,
        etaMs: etaMs(performance.now() - started, rows.length, total),
        paused: queue.isPaused,
        ...extra
      })
    try {
      const report = await runBatch({
        inputDir: inDir,
        outputDir: outDir,
        recursive: req.recursive,
        resume: req.resume === true,
        recipe,
        format: req.format,
        ...(outputName ? { outputName } : {}),
        queue,
        signal: job.signal,
        process,
        onStart: (n) => {
          total = n
          progress({})
        },
        onFileStart: (file) => progress({ current: file }),
        onFile: (r) => {
          // The photo a cancel stopped is no result: the table lists what was finished (resume redoes the rest).
          if (r.status === 'error' && r.code === 'CANCELLED') return
          const row = batchRow(r, outDir)
          rows.push(row)
          progress({ row })
        }
      })
      progress({ finished: true })
      if (report.stopped) {
        const { code, message, ...detail } = report.stopped
        throw new HeirloomError(code, message, detail)
      }
      const notTaken = report.skippedEntries
      return {
        jobId: req.jobId,
        rows,
        cancelled: report.cancelled,
        outputFolder: outDir,
        ...(notTaken.length > 0 ? { notTaken } : {})
      }
    } finally {
      job.release()
      this.queues.delete(req.jobId)
    }
  }

  /**
   * The photo job: one generic worker request (runFileJob) naming the registry operation and its file-job params,
   * which the worker checks with that job's schema; plus the recipe a resumed run compares.
   */
  private plan(
    req: BatchRequest,
    outDir: string
  ): { process: BatchProcessor; recipe: unknown; outputName?: (name: string) => string } {
    const job = this.fileJob(req)
    // Checked once here with the operation's own file-job schema (the worker checks each photo's again): settings
    // it refuses fail the batch before any photo rather than every row.
    const schema = getOperation(job.op).fileJob?.params
    const checked = schema?.safeParse(job.params)
    if (!checked?.success) {
      const issue = checked?.error.issues[0]
      const where = issue?.path.length ? `.${issue.path.map(String).join('.')}` : ''
      throw new HeirloomError('INVALID_REQUEST', `${job.op} settings${where}: ${issue?.message ?? 'no file job'}.`)
    }
    const worker = this.d.worker
    return {
      recipe: job.recipe,
      ...(job.outputName ? { outputName: job.outputName } : {}),
      process: async (input, output, o) => {
        await job.before?.(input, output, o.overwrite)
        const r = await worker.call(
          'runFileJob',
          {
            op: job.op,
            input,
            output,
            inputDir: o.inputDir,
            outputDir: outDir,
            overwrite: o.overwrite,
            inputRoots: [o.inputDir],
            params: job.params
          },
          { signal: o.signal, jobId: req.jobId }
        )
        return { faces: r.faces, ...(r.identity ? { identity: r.identity } : {}) }
      }
    }
  }

  /** The Batch panel's settings as a registry operation id and its file job's params. */
  private fileJob(req: BatchRequest): BatchFileJob {
    switch (req.operation) {
      case 'restore': {
        const choice = req.model ? { model: req.model } : {}
        const options = { strength: req.strength, ...(req.fidelity !== undefined ? { fidelity: req.fidelity } : {}) }
        return { op: 'restore', params: { choice, options }, recipe: { op: 'restore', choice, options } }
      }
      case 'age': {
        if (!req.age) throw new HeirloomError('INVALID_REQUEST', 'An age batch needs its route and amount.')
        const age = req.age
        // MODEL_MISSING now, naming the route's missing models, rather than once per photo.
        const job = ageJobFor(this.d.store(), age)
        const spec = {
          choice: job.choice,
          ...(age.restoreAfter ? { restoreAfter: req.model ? { model: req.model } : {} } : {})
        }
        const options = { amount: job.amount, strength: req.strength }
        return { op: 'age', params: { spec, options }, recipe: { op: 'age', spec, options } }
      }
      case 'repair': {
        // The automatic mask per photo (a painted mask fits one photo only); LaMa is checked before the first photo.
        const repair = req.repair ?? { method: 'classic', sensitivity: 0.5 }
        if (repair.method === 'lama' && !this.d.store().isInstalled(LAMA_MODEL_ID)) {
          const entry = this.d.store().entry(LAMA_MODEL_ID)
          throw new HeirloomError('MODEL_MISSING', `Repair with LaMa needs ${entry.name}: download it in Models.`, {
            modelId: LAMA_MODEL_ID
          })
        }
        const params = { method: repair.method, sensitivity: repair.sensitivity }
        return { op: 'repair', params, recipe: { op: 'repair', params } }
      }
      case 'color': {
        if (!req.color) throw new HeirloomError('INVALID_REQUEST', 'A colour batch needs its colour settings.')
        // Checked here with the colour operation's own schema (a colouriser id it does not know is refused up front).
        const parsed = colorParams.omit({ colorizeAfter: true }).safeParse(req.color)
        if (!parsed.success) {
          const issue = parsed.error.issues[0]
          throw new HeirloomError(
            'INVALID_REQUEST',
            `Colour settings: ${issue?.path.map(String).join('.') || 'color'}: ${issue?.message ?? 'invalid'}.`
          )
        }
        const params = parsed.data
        // MODEL_MISSING now, naming the colouriser to download in the Models panel, rather than once per photo.
        const store = this.d.store()
        const missing = colorModels(undefined, params).filter((id) => !store.isInstalled(id))
        if (missing.length > 0) {
          throw new HeirloomError(
            'MODEL_MISSING',
            `Colourising needs ${store.entry(missing[0]).name}: download it in Models.`,
            {
              modelId: missing[0]
            }
          )
        }
        // A photo already in colour (when colourising) is its row's error, worded by the colour operation.
        return { op: 'color', params, recipe: { op: 'color', params } }
      }
      case 'detect-crop': {
        const aspect = req.aspect ?? '1:1'
        return {
          op: 'crop',
          params: { aspect },
          recipe: { op: 'crop', aspect },
          outputName: (name) => faceName(name, 1),
          // `output` is face 1's name; the worker names each face after the photo, in the mirrored folder.
          before: async (input, output, overwrite) => {
            const stem = basename(input, extname(input))
            if (basename(output) !== faceName(`${stem}${extname(output)}`, 1)) {
              // a.gif beside a.png: both crops would be named a-face1.png, and redoing one would clear the other's.
              throw new HeirloomError(
                'OUTPUT_EXISTS',
                `Another photo in this folder has the name "${stem}" with another extension; crop names faces after the photo, so rename one of them.`
              )
            }
            if (overwrite) await removeFaceFiles(dirname(output), stem, extname(output))
          }
        }
      }
    }
  }
}

/** One batch's registry operation, its file-job params, and what differs around the worker call (crop's names). */
interface BatchFileJob {
  op: string
  params: unknown
  recipe: unknown
  outputName?: (name: string) => string
  before?: (input: string, output: string, overwrite: boolean) => Promise<void>
}

/** A redone crop (resume, overwrite) first clears the face files its earlier run wrote, so names do not shift. */
async function removeFaceFiles(folder: string, stem: string, ext: string): Promise<void> {
  const mine = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-face\\d+${ext.replace('.', '\\.')}$`)
  const names = await readdir(folder).catch(() => [] as string[])
  await Promise.all(names.filter((n) => mine.test(n)).map((n) => rm(join(folder, n), { force: true })))
}
