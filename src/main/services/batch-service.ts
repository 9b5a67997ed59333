import { mkdir } from 'node:fs/promises'
import { basename, dirname, extname, relative } from 'node:path'
import type { BatchProgress, BatchRequest, BatchRow, BatchSummary, FolderChoice } from '../../shared/ipc/types'
import { HeirloomError, toAppError } from '../core/errors'
import { lockOutputFolder } from '../core/io/folder-lock'
import { canonicalPath, isInside } from '../core/io/output-guard'
import { etaMs, freeOutputPath, listImages } from './batch-files'
import type { JobRunner } from './job-runner'
import type { PipelineHost } from './pipeline-host'

const SAME_FORMATS: Record<string, '.png' | '.jpg' | '.tif' | '.webp'> = {
  '.png': '.png',
  '.jpg': '.jpg',
  '.jpeg': '.jpg',
  '.tif': '.tif',
  '.tiff': '.tif',
  '.webp': '.webp'
}

export interface BatchDeps {
  worker: PipelineHost
  jobs: JobRunner
  emit: (p: BatchProgress) => void
  /** The folders chosen with the dialogs (never named by the renderer). */
  inputFolder: () => string | undefined
  outputFolder: () => string | undefined
}

/** Error codes that would fail every file alike: the batch stops instead of listing the same error per file. */
const STOPS_BATCH: ReadonlySet<string> = new Set(['MODEL_MISSING', 'MODEL_INVALID', 'MODEL_CONTRACT'])

/**
 * Runs one operation over a folder of photos with pause/resume/cancel, progress + ETA and one result row per file.
 * Each file is one worker request (decode, detect, model runs and encode happen there).
 */
export class BatchService {
  private readonly paused = new Map<string, { value: boolean; wake?: () => void }>()

  constructor(private readonly d: BatchDeps) {}

  async describeInput(folder: string, recursive: boolean): Promise<FolderChoice> {
    const images = await listImages(folder, { recursive, exclude: this.d.outputFolder() })
    return { name: basename(folder), folder, images: images.length }
  }

  setPaused(jobId: string, paused: boolean): void {
    const p = this.paused.get(jobId)
    if (!p) throw new HeirloomError('NOT_FOUND', 'That batch is not running.')
    p.value = paused
    if (!paused) p.wake?.()
  }

  private async waitWhilePaused(jobId: string, signal: AbortSignal): Promise<void> {
    const p = this.paused.get(jobId)
    while (p?.value && !signal.aborted) {
      await new Promise<void>((resolve) => {
        p.wake = resolve
        signal.addEventListener('abort', () => resolve(), { once: true })
      })
    }
  }

  async run(req: BatchRequest): Promise<BatchSummary> {
    const inDir = this.d.inputFolder()
    const outDir = this.d.outputFolder()
    if (!inDir) throw new HeirloomError('INVALID_REQUEST', 'Choose an input folder first.')
    if (!outDir) throw new HeirloomError('INVALID_REQUEST', 'Choose an output folder first.')
    const [realIn, realOut] = [await canonicalPath(inDir), await canonicalPath(outDir)]
    if (isInside(realOut, realIn) || isInside(realIn, realOut))
      throw new HeirloomError(
        'INVALID_REQUEST',
        'Choose an output folder outside the input folder (and not containing it): Heirloom never writes into the input tree.'
      )
    const files = await listImages(inDir, { recursive: req.recursive, exclude: outDir })
    await mkdir(outDir, { recursive: true })
    const unlock = await lockOutputFolder(outDir)
    let job: ReturnType<JobRunner['track']>
    try {
      job = this.d.jobs.track(req.jobId)
    } catch (err) {
      await unlock()
      throw err
    }
    this.paused.set(req.jobId, { value: false })
    const rows: BatchRow[] = []
    const started = performance.now()
    const progress = (extra: Partial<BatchProgress>): void =>
      this.d.emit({
        jobId: req.jobId,
        done: rows.length,
        total: files.length,
        etaMs: etaMs(performance.now() - started, rows.length, files.length),
        paused: this.paused.get(req.jobId)?.value ?? false,
        ...extra
      })
    try {
      progress({})
      for (const file of files) {
        await this.waitWhilePaused(req.jobId, job.signal)
        if (job.signal.aborted) break
        const rel = relative(inDir, file)
        progress({ current: rel })
        let row: BatchRow
        try {
          row =
            req.operation === 'restore'
              ? await this.restoreOne(inDir, outDir, file, req, job.signal)
              : await this.cropOne(inDir, outDir, file, req, job.signal)
        } catch (err) {
          const e = toAppError(err)
          if (e.code === 'CANCELLED') break
          if (STOPS_BATCH.has(e.code)) throw err
          row =
            e.code === 'NO_FACE'
              ? { file: rel, status: 'no-face', faces: 0, code: e.code, reason: e.message }
              : { file: rel, status: 'error', code: e.code, reason: e.message }
        }
        rows.push(row)
        progress({ row })
      }
      const cancelled = job.signal.aborted
      progress({ finished: true })
      return { jobId: req.jobId, rows, cancelled, outputFolder: outDir }
    } finally {
      job.release()
      this.paused.delete(req.jobId)
      await unlock()
    }
  }

  private outputExt(file: string, req: BatchRequest): string {
    if (req.format === 'png') return '.png'
    if (req.format === 'jpeg') return '.jpg'
    return SAME_FORMATS[extname(file).toLowerCase()] ?? '.png'
  }

  private async restoreOne(
    inDir: string,
    outDir: string,
    file: string,
    req: BatchRequest,
    signal: AbortSignal
  ): Promise<BatchRow> {
    const out = await freeOutputPath(inDir, outDir, file, '-restored', this.outputExt(file, req))
    await mkdir(dirname(out), { recursive: true })
    const report = await this.d.worker.call(
      'restoreFile',
      {
        input: file,
        output: out,
        choice: req.model ? { model: req.model } : {},
        options: {
          strength: req.strength,
          ...(req.fidelity !== undefined ? { fidelity: req.fidelity } : {}),
          inputRoots: [inDir]
        }
      },
      { signal, jobId: req.jobId }
    )
    return { file: relative(inDir, file), status: 'ok', faces: report.faces.length, output: relative(outDir, out) }
  }

  private async cropOne(
    inDir: string,
    outDir: string,
    file: string,
    req: BatchRequest,
    signal: AbortSignal
  ): Promise<BatchRow> {
    const r = await this.d.worker.call(
      'cropFile',
      { input: file, inDir, outDir, ext: this.outputExt(file, req), aspect: req.aspect ?? '1:1' },
      { signal, jobId: req.jobId }
    )
    return { file: relative(inDir, file), status: 'ok', faces: r.faces, output: relative(outDir, r.outputs[0] ?? '') }
  }
}
