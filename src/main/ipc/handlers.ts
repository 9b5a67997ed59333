import { APP_NAME, APP_VERSION } from '../../shared/version'
import type { AppInfo } from '../../shared/ipc/types'
import type { Engine } from '../core/engine'
import type { ProviderPreference } from '../core/runtime/types'
import type { BatchService } from '../services/batch-service'
import type { DropRegistry } from '../services/drop-registry'
import type { EditService } from '../services/edit-service'
import type { HostDialogs, HostShell } from '../services/host'
import type { JobRunner } from '../services/job-runner'
import type { ModelService } from '../services/model-service'
import type { PhotoLibrary } from '../services/photo-library'
import type { PipelineWorkerHost } from '../services/pipeline-host'
import type { SettingsStore } from '../services/settings-store'
import type { HandlerMap } from './dispatch'
import { credentialsHandlers } from './handlers/credentials-handlers'
import { editHandlers } from './handlers/edit-handlers'
import { modelHandlers } from './handlers/model-handlers'
import { outputHandlers } from './handlers/output-handlers'
import { photoHandlers } from './handlers/photo-handlers'
import { queueHandlers } from './handlers/queue-handlers'

export type { HostDialogs, HostShell } from '../services/host'

export interface AppServices {
  library: PhotoLibrary
  dialogs: HostDialogs
  shell: HostShell
  /** The pipeline worker every decode, model run, compose and export goes to. */
  worker: PipelineWorkerHost
  /** Main's engine (replaced when the provider setting changes); only its model store is used in main. */
  engine: () => Engine
  setProvider(provider: ProviderPreference): Promise<void>
  /** Sends the Content Credentials settings to a running worker (a new one reads them at start). */
  applyCredentials(): Promise<void>
  settings: SettingsStore
  jobs: JobRunner
  edits: EditService
  models: ModelService
  batch: BatchService
  /** Session-only choices made with dialogs. */
  state: { batchInput?: string }
  /** Tokens for the items of real drops (the only way a renderer names a file to open). */
  drops: DropRegistry
  modelsDir: string
  electronVersion?: string
}

/**
 * Thin handlers: the dispatcher has parsed the payload with the channel's schema; each one calls a service and
 * returns data. The HandlerMap type makes a missing channel, a wrong request field or a wrong response a compile error.
 */
export function createHandlers(s: AppServices): HandlerMap {
  return {
    appInfo: () =>
      Promise.resolve<AppInfo>({
        name: APP_NAME,
        version: APP_VERSION,
        platform: process.platform,
        electron: s.electronVersion,
        node: process.versions.node,
        modelsDir: s.modelsDir
      }),
    ...photoHandlers(s),
    ...editHandlers(s),
    ...modelHandlers(s),
    ...outputHandlers(s),
    ...credentialsHandlers(s),
    ...queueHandlers()
  }
}
