import { HeirloomError } from '../core/errors'
import { PipelineWorkerClient, type CallOptions, type WorkerEntry } from '../worker/client'
import type { RequestPayload, RequestType, ResponseValue, WorkerInit } from '../worker/protocol'

/**
 * The app runtime's holder of the one pipeline worker (PipelineWorkerClient in this thread, PipelineWorkerService in
 * the worker thread): started on first use (opening the app costs no thread), started again
 * after a crash (open photos then reopen their sessions, see PhotoLibrary), closed on dispose.
 */
export class PipelineWorkerHost {
  private client?: PipelineWorkerClient
  private disposed = false
  private gen = 0

  constructor(
    private readonly init: () => WorkerInit,
    private readonly entry?: WorkerEntry
  ) {}

  /** True while a worker thread is running (nothing has been started yet, or it stopped). */
  get started(): boolean {
    return this.client?.alive === true
  }

  /** Bumped each time a new worker starts: sessions of an older generation are gone. */
  get generation(): number {
    return this.gen
  }

  /** The running worker, started when needed. */
  worker(): PipelineWorkerClient {
    if (this.disposed) throw new HeirloomError('INTERNAL', 'The app is shutting down.')
    if (!this.client?.alive) {
      this.client = this.entry
        ? PipelineWorkerClient.start(this.init(), this.entry)
        : PipelineWorkerClient.start(this.init())
      this.gen++
    }
    return this.client
  }

  call<K extends RequestType>(type: K, payload: RequestPayload<K>, opts: CallOptions = {}): Promise<ResponseValue<K>> {
    return this.worker().call(type, payload, opts)
  }

  /** Calls only when the worker already runs (state queries that have nothing to say otherwise). */
  callIfStarted<K extends RequestType>(type: K, payload: RequestPayload<K>): Promise<ResponseValue<K>> | undefined {
    return this.started ? this.call(type, payload) : undefined
  }

  cancelJob(jobId: string): boolean {
    return this.client?.alive === true && this.client.cancelJob(jobId)
  }

  async dispose(): Promise<void> {
    this.disposed = true
    await this.client?.close()
  }
}

/**
 * @deprecated The worker has one family of names (PipelineWorkerHost / PipelineWorkerClient / PipelineWorkerService);
 * this old name stays only until services/batch-service.ts (being replaced by the core batch engine on another
 * branch) stops importing it.
 */
export type PipelineHost = PipelineWorkerHost
