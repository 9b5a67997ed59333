import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { HeirloomError } from '../core/errors'
import type { PipelineProgress } from '../core/pipeline/progress'
import type { FromWorker, RequestPayload, RequestType, ResponseValue, ToWorker, WorkerInit } from './protocol'

export interface WorkerEntry {
  file: string
  execArgv: string[]
}

/** The built worker of this checkout, seen from the source folder src/main/worker. */
const BUILT_FROM_SOURCE = join('..', '..', '..', 'out', 'main', 'worker.js')

/**
 * Where the worker script is: out/main/worker.js beside the bundled caller after `electron-vite build`, else the
 * TypeScript entry beside this file (tests, tsx), which needs tsx loaded in the worker. NOTE: `--import tsx` does not
 * reach a worker's entry module on Node 20 ("Unknown file extension .ts"); tsx's CommonJS hook does, and the
 * sources compile to CommonJS anyway (no "type": "module").
 * Playwright runs its specs from sources but tests the BUILT app (its e2e needs `npm run build` first), so there the
 * built worker is used when present; HEIRLOOM_WORKER_ENTRY names a script explicitly.
 */
export function resolveWorkerEntry(dir: string = __dirname, env: NodeJS.ProcessEnv = process.env): WorkerEntry {
  const forced = env.HEIRLOOM_WORKER_ENTRY
  if (forced) {
    if (!existsSync(forced))
      throw new HeirloomError('INTERNAL', `HEIRLOOM_WORKER_ENTRY names a missing file: ${forced}`)
    return forced.endsWith('.ts')
      ? { file: forced, execArgv: ['--require', 'tsx/cjs'] }
      : { file: forced, execArgv: [] }
  }
  const built = join(dir, 'worker.js')
  if (existsSync(built)) return { file: built, execArgv: [] }
  // Code shared by the app and the CLI is bundled into out/main/chunks/, one folder below the worker.
  const fromChunk = join(dir, '..', 'worker.js')
  if (existsSync(fromChunk)) return { file: fromChunk, execArgv: [] }
  const source = join(dir, 'index.ts')
  const playwright = env.TEST_WORKER_INDEX !== undefined && env.VITEST === undefined
  const builtCheckout = join(dir, BUILT_FROM_SOURCE)
  if (existsSync(source) && playwright && existsSync(builtCheckout)) return { file: builtCheckout, execArgv: [] }
  if (existsSync(source)) return { file: source, execArgv: ['--require', 'tsx/cjs'] }
  throw new HeirloomError(
    'INTERNAL',
    `The pipeline worker script was not found next to ${dir} (expected worker.js or index.ts).`
  )
}

export interface CallOptions {
  signal?: AbortSignal
  onProgress?: (event: PipelineProgress) => void
  /** The caller's job id (e.g. minted by the renderer), so cancelJob(jobId) can reach the request. */
  jobId?: string
}

interface Pending {
  resolve: (v: unknown) => void
  reject: (e: unknown) => void
  onProgress?: (event: PipelineProgress) => void
  jobId?: string
  cleanup: () => void
}

/** Typed client of the pipeline worker; usable from Electron main and the CLI alike. */
export class PipelineWorkerClient {
  private readonly worker: Worker
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private closed = false
  private exited = false

  private constructor(worker: Worker) {
    this.worker = worker
    worker.on('message', (msg: FromWorker) => this.onMessage(msg))
    worker.on('error', (err) =>
      this.failAll(new HeirloomError('INTERNAL', `Pipeline worker crashed: ${err.message}`, { cause: err }))
    )
    worker.on('exit', (code) => {
      this.exited = true
      if (!this.closed)
        this.failAll(new HeirloomError('INTERNAL', `Pipeline worker exited unexpectedly (code ${code}).`))
    })
  }

  static start(init: WorkerInit = {}, entry: WorkerEntry = resolveWorkerEntry()): PipelineWorkerClient {
    return new PipelineWorkerClient(new Worker(entry.file, { workerData: init, execArgv: entry.execArgv }))
  }

  /** Sends one request; resolves with its result, rejects with a HeirloomError (code from the worker). */
  call<K extends RequestType>(type: K, payload: RequestPayload<K>, opts: CallOptions = {}): Promise<ResponseValue<K>> {
    if (this.closed || this.exited)
      return Promise.reject(new HeirloomError('INTERNAL', 'The pipeline worker is closed.'))
    const id = this.nextId++
    return new Promise<ResponseValue<K>>((resolve, reject) => {
      const onAbort = (): void => this.cancel(id)
      if (opts.signal?.aborted) {
        reject(new HeirloomError('CANCELLED', 'The operation was cancelled.'))
        return
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: opts.onProgress,
        jobId: opts.jobId,
        cleanup: () => opts.signal?.removeEventListener('abort', onAbort)
      })
      const msg: ToWorker = { kind: 'request', id, type, payload }
      this.worker.postMessage(msg)
    })
  }

  /** Cancels a request by id (its promise then rejects with CANCELLED). */
  cancel(id: number): void {
    if (!this.closed) this.worker.postMessage({ kind: 'cancel', id } satisfies ToWorker)
  }

  /** Cancels every pending request made with this job id; false when none is pending. */
  cancelJob(jobId: string): boolean {
    let found = false
    for (const [id, p] of this.pending) {
      if (p.jobId !== jobId) continue
      found = true
      this.cancel(id)
    }
    return found
  }

  /** False once the worker thread has stopped (closed, crashed or exited). */
  get alive(): boolean {
    return !this.closed && !this.exited
  }

  /** Ids of requests still waiting for a result. */
  get pendingIds(): number[] {
    return [...this.pending.keys()]
  }

  private onMessage(msg: FromWorker): void {
    const p = this.pending.get(msg.id)
    if (!p) return
    if (msg.kind === 'progress') {
      p.onProgress?.(msg.event)
      return
    }
    this.pending.delete(msg.id)
    p.cleanup()
    if (msg.ok) p.resolve(msg.value)
    else {
      const { code, message, ...detail } = msg.error
      p.reject(new HeirloomError(code, message, detail))
    }
  }

  private failAll(err: HeirloomError): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id)
      p.cleanup()
      p.reject(err)
    }
  }

  /**
   * Stops the worker: pending calls fail with CANCELLED, the worker finishes a running model run and frees its
   * sessions, then exits; it is terminated only if it has not exited after `graceMs`. True when it exited by itself.
   */
  async close(graceMs = 10_000): Promise<boolean> {
    if (this.closed) return true
    this.closed = true
    this.failAll(new HeirloomError('CANCELLED', 'The pipeline worker was closed.'))
    if (this.exited) return true
    const exited = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), graceMs)
      this.worker.once('exit', () => {
        clearTimeout(timer)
        resolve(true)
      })
    })
    this.worker.postMessage({ kind: 'shutdown' } satisfies ToWorker)
    if (await exited) return true
    await this.worker.terminate()
    return false
  }
}
