import { credentialsDirFor } from './core/credentials/identity'
import type { CredentialsSettings } from './core/credentials/worker-config'
import { ModelStore } from './core/models/store'
import type { ProviderPreference } from './core/runtime/types'
import type { Manifest } from '../shared/model-manifest'
import type { EventChannel, EventContract } from '../shared/ipc/channels'
import { createDispatcher, type Dispatcher } from './ipc/dispatch'
import { type AppServices, createHandlers } from './ipc/handlers'
import { ageJobFor } from './services/age-routes'
import { BatchService } from './services/batch-service'
import { EditService } from './services/edit-service'
import type { HostDialogs, HostShell } from './services/host'
import { JobRunner } from './services/job-runner'
import { ModelService } from './services/model-service'
import { PhotoLibrary } from './services/photo-library'
import { DropRegistry } from './services/drop-registry'
import { PipelineWorkerHost } from './services/pipeline-host'
import { SettingsStore } from './services/settings-store'
import type { WorkerEntry } from './worker/client'

export type EmitEvent = <E extends EventChannel>(event: E, payload: EventContract[E]) => void

export interface AppServicesOptions {
  modelsDir: string
  /** Where settings.json lives (the app's user data dir; a temp dir in tests). */
  userDataDir: string
  dialogs: HostDialogs
  shell: HostShell
  isTrustedSender: (url: string) => boolean
  emit: EmitEvent
  electronVersion?: string
  autoDownload?: boolean
  /** Test-only: a manifest instead of the bundled one (e.g. URLs pointing at a local server). */
  manifest?: Manifest
  /** Test-only: which worker script to run (default: resolveWorkerEntry()). */
  workerEntry?: WorkerEntry
  onInternalError?: (channel: string, err: unknown) => void
}

export interface AppRuntime {
  dispatcher: Dispatcher
  services: AppServices
  dispose(): Promise<void>
}

/** Taskbar progress for a main->renderer event: 0..1 while work runs, -1 to clear, undefined when unrelated. */
export function taskbarProgress<E extends EventChannel>(event: E, payload: EventContract[E]): number | undefined {
  if (event === 'jobProgress') {
    const p = payload as EventContract['jobProgress']
    return p.done ? -1 : p.fraction
  }
  if (event === 'batchProgress') {
    const p = payload as EventContract['batchProgress']
    return p.finished ? -1 : p.total > 0 ? p.done / p.total : 0
  }
  if (event === 'modelProgress') {
    const p = payload as EventContract['modelProgress']
    return p.done ? -1 : p.total ? p.received / p.total : 0
  }
  return undefined
}

/**
 * Builds the main-process services and the validating IPC dispatcher without touching Electron, so the app,
 * the Chromium e2e bridge and the IPC fuzz tests all exercise the same handlers. Decoding, models and pixel work
 * run in one pipeline worker thread (started on first use), so main's event loop stays free for IPC and the window.
 */
export function createAppRuntime(o: AppServicesOptions): AppRuntime {
  const settings = new SettingsStore(o.userDataDir)
  const credentials = (): CredentialsSettings => ({
    enabled: settings.get().contentCredentials,
    dir: credentialsDirFor(o.modelsDir),
    ...(settings.get().ownerName ? { owner: settings.get().ownerName } : {})
  })
  const worker = new PipelineWorkerHost(
    () => ({
      modelsDir: o.modelsDir,
      provider: settings.get().provider,
      autoDownload: o.autoDownload ?? false,
      credentials: credentials(),
      ...(o.manifest ? { manifest: o.manifest } : {})
    }),
    o.workerEntry
  )
  const library = new PhotoLibrary(worker)
  const emitModel = (p: EventContract['modelProgress']): void => o.emit('modelProgress', p)
  // Main never runs a model (the worker does): it holds only the model store, for the Models panel.
  const store = new ModelStore({ dir: o.modelsDir, ...(o.manifest ? { manifest: o.manifest } : {}) })
  let provider: ProviderPreference = settings.get().provider
  const jobs = new JobRunner((p) => o.emit('jobProgress', p), emitModel)
  const state: AppServices['state'] = {}
  const services: AppServices = {
    library,
    dialogs: o.dialogs,
    shell: o.shell,
    store,
    provider: () => provider,
    async setProvider(next) {
      if (next === provider) return
      provider = next
      await worker.callIfStarted('configure', { provider: next })
    },
    async applyCredentials() {
      await worker.callIfStarted('configure', { provider, credentials: credentials() })
    },
    settings,
    jobs,
    worker,
    edits: new EditService({ library, worker, jobs, ageJob: (req) => ageJobFor(store, req) }),
    models: new ModelService({ store, provider: () => provider, worker, jobs, dialogs: o.dialogs, emit: emitModel }),
    batch: new BatchService({
      worker,
      jobs,
      store: () => store,
      emit: (p) => o.emit('batchProgress', p),
      inputFolder: () => state.batchInput,
      outputFolder: () => settings.get().outputFolder
    }),
    state,
    drops: new DropRegistry(),
    modelsDir: o.modelsDir,
    electronVersion: o.electronVersion
  }
  const dispatcher = createDispatcher(createHandlers(services), {
    isTrustedSender: (sender) => o.isTrustedSender(sender.url),
    onInternalError: o.onInternalError
  })
  return {
    dispatcher,
    services,
    dispose: async () => {
      jobs.cancelAll()
      await settings.flush()
      await worker.dispose()
    }
  }
}
