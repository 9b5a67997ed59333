/**
 * Child process for the batch kill test: the desktop app's batch (main's services over the IPC dispatcher, the
 * pipeline in its worker thread), minus Electron. Chooses the folders through the dialogs as the Batch panel does,
 * runs one batch and prints one JSON line: the rows, whether it was cancelled, and the milliseconds per row.
 * Usage (HEIRLOOM_WORKER_ENTRY names the built worker): <inputDir> <outputDir> <modelsDir> <restorerId> [--resume]
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAppRuntime } from '../../../src/main/app-services'
import type { BatchProgress } from '../../../src/shared/ipc/types'
import { ipcCall } from '../../helpers/app-runtime'

async function main(): Promise<void> {
  const [inputDir, outputDir, modelsDir, restorerId, flag] = process.argv.slice(2)
  if (!inputDir || !outputDir || !modelsDir || !restorerId) throw new Error('usage: <in> <out> <models> <restorerId>')
  const folders = [inputDir, outputDir]
  const rowMs: number[] = []
  let last = performance.now()
  const runtime = createAppRuntime({
    modelsDir,
    userDataDir: mkdtempSync(join(tmpdir(), 'heirloom-app-batch-')),
    isTrustedSender: (url) => url.startsWith('app://heirloom/'),
    emit: (event, payload) => {
      if (event !== 'batchProgress') return
      const p = payload as BatchProgress
      if (p.current !== undefined && p.done === 0 && rowMs.length === 0) last = performance.now()
      if (p.row) {
        const now = performance.now()
        rowMs.push(now - last)
        last = now
      }
    },
    dialogs: {
      chooseImage: () => Promise.resolve(null),
      saveFile: () => Promise.resolve(null),
      chooseFolder: () => Promise.resolve(folders.shift() ?? null),
      chooseModelFile: () => Promise.resolve(null)
    },
    shell: { openFolder: () => Promise.resolve() }
  })
  // Content Credentials carry a fresh signature per file; the test compares output bytes across runs.
  await ipcCall(runtime, 'updateSettings', { contentCredentials: false, provider: 'cpu' })
  await ipcCall(runtime, 'chooseBatchInput', { recursive: false })
  await ipcCall(runtime, 'chooseOutputFolder', undefined)
  const summary = await ipcCall(runtime, 'runBatch', {
    jobId: 'jkilltest01',
    recursive: false,
    operation: 'restore',
    model: restorerId,
    strength: 0.8,
    format: 'same',
    ...(flag === '--resume' ? { resume: true } : {})
  })
  await runtime.dispose()
  process.stdout.write(`${JSON.stringify({ ...summary, rowMs })}\n`)
}

main().catch((err: unknown) => {
  process.stderr.write(`app-batch-child failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
