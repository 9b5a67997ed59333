/**
 * Pipeline worker entry (worker_threads). Built by electron-vite as out/main/worker.js; run from sources (tests,
 * tsx) with `--import tsx`. Never imports electron.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { createEngine } from '../core/engine'
import { transferablesOf, type FromWorker, type ToWorker, type WorkerInit } from './protocol'
import { PipelineService } from './service'

const port = parentPort
if (!port) throw new Error('src/main/worker/index.ts must run inside a worker thread.')

const init = (workerData ?? {}) as WorkerInit
const engine = createEngine({
  modelsDir: init.modelsDir,
  provider: init.provider ?? 'auto',
  autoDownload: init.autoDownload ?? false,
  onDownloadProgress: (p) =>
    service.downloadProgress({ stage: 'download', model: p.id, received: p.received, total: p.total })
})
const emit = (msg: FromWorker): void => {
  port.postMessage(msg, msg.kind === 'result' && msg.ok ? transferablesOf(msg.value) : [])
}
// Download progress only arrives during requests, i.e. after this line has run.
const service = new PipelineService(engine, emit)

port.on('message', (msg: ToWorker) => {
  if (msg.kind === 'cancel') service.cancel(msg.id)
  else service.handle(msg.id, msg.type, msg.payload)
})
