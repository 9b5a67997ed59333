/**
 * Pipeline worker entry (worker_threads). Built by electron-vite as out/main/worker.js; run from sources (tests,
 * tsx) with tsx's CommonJS hook (see resolveWorkerEntry). Never imports electron.
 */
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { applyCredentials } from '../core/credentials/worker-config'
import { createEngine, type Engine } from '../core/engine'
import { ModelStore } from '../core/models/store'
import { defaultModelsDir } from '../core/models/paths'
import type { ProviderPreference } from '../core/runtime/types'
import { transferablesOf, type FromWorker, type WorkerInit } from './protocol'
import { PipelineWorkerService } from './service'

const port = parentPort
if (!port) throw new Error('src/main/worker/index.ts must run inside a worker thread.')

/** Nice value of the pipeline thread: model and pixel work yields the CPU to the UI's threads when both want it. */
const WORKER_NICE = 10
// On Linux the nice value is per thread, so this lowers only this thread (and the inference threads it starts);
// elsewhere it would lower the whole app, so it is left alone there.
if (process.platform === 'linux') {
  try {
    setPriority(WORKER_NICE)
  } catch {
    // A sandbox may forbid it; the worker then runs at normal priority.
  }
}

const init = (workerData ?? {}) as WorkerInit
const store = new ModelStore({
  dir: init.modelsDir ?? defaultModelsDir(),
  ...(init.manifest ? { manifest: init.manifest } : {})
})
applyCredentials(init.credentials, store)
const makeEngine = (provider: ProviderPreference): Engine =>
  createEngine({
    store,
    provider,
    autoDownload: init.autoDownload ?? false,
    acceptLicences: init.acceptLicences === true,
    onDownloadProgress: (p) =>
      service.downloadProgress({ stage: 'download', model: p.id, received: p.received, total: p.total })
  })
const emit = (msg: FromWorker): void => {
  port.postMessage(msg, msg.kind === 'result' && msg.ok ? transferablesOf(msg.value) : [])
}
// Download progress only arrives during requests, i.e. after this line has run.
const service = new PipelineWorkerService(makeEngine(init.provider ?? 'auto'), emit, makeEngine)

// Every message is validated by the service (a malformed one is answered with INVALID_REQUEST, not a crash).
port.on('message', (msg: unknown) => {
  if (service.receive(msg) === 'shutdown') void shutdown()
})

// Ending the thread while onnxruntime runs native code in it aborts the whole process, so the client asks first:
// dispose waits for an in-flight run, then only this thread exits (process.exit in a worker ends the worker).
async function shutdown(): Promise<void> {
  try {
    await service.dispose()
  } finally {
    process.exit(0)
  }
}
