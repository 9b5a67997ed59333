import { join } from 'node:path'
import { createAppRuntime, type AppRuntime } from '../../src/main/app-services'
import type { HostDialogs } from '../../src/main/services/host'
import type { WorkerEntry } from '../../src/main/worker/client'
import type { InvokeChannel, IpcResult, RequestOf, ResponseOf } from '../../src/shared/ipc/channels'
import type { JobProgress } from '../../src/shared/ipc/types'
import { recordingShell, scriptedDialogs } from './host-doubles'

/** The renderer as the main process sees it when it loads the packaged app. */
export const APP_SENDER = { url: 'app://heirloom/index.html', isMainFrame: true }

/** The main-process runtime the desktop app builds, minus Electron: user data under `dir`, job progress collected. */
export function testAppRuntime(opts: {
  dir: string
  modelsDir: string
  jobEvents?: JobProgress[]
  dialogs?: HostDialogs
  /** A worker script other than the real entry (e.g. one that registers test-only operations first). */
  workerEntry?: WorkerEntry
}): AppRuntime {
  return createAppRuntime({
    modelsDir: opts.modelsDir,
    userDataDir: join(opts.dir, 'userdata'),
    isTrustedSender: (url) => url.startsWith('app://heirloom/'),
    emit: (event, payload) => {
      if (event === 'jobProgress') opts.jobEvents?.push(payload as JobProgress)
    },
    dialogs: opts.dialogs ?? scriptedDialogs(),
    shell: recordingShell(),
    ...(opts.workerEntry ? { workerEntry: opts.workerEntry } : {})
  })
}

/** Dispatches one IPC request as the app's renderer would; the raw result, error or not. */
export async function ipcRaw<C extends InvokeChannel>(
  runtime: AppRuntime,
  channel: C,
  payload: RequestOf<C>
): Promise<IpcResult<ResponseOf<C>>> {
  return (await runtime.dispatcher.dispatch(channel, payload, APP_SENDER)) as IpcResult<ResponseOf<C>>
}

/** Dispatches one IPC request; an error result fails the test with its code and message. */
export async function ipcCall<C extends InvokeChannel>(
  runtime: AppRuntime,
  channel: C,
  payload: RequestOf<C>
): Promise<ResponseOf<C>> {
  const r = await ipcRaw(runtime, channel, payload)
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`)
  return r.value
}

/** Registers `path` as a dropped item, as the preload does from a trusted drop event; returns main's token for it. */
export async function dropToken(runtime: AppRuntime, path: string): Promise<string> {
  return (await ipcCall(runtime, 'registerDrops', { paths: [path] })).tokens[0]
}
