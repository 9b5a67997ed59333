/** What the IPC handlers call: main's services (own file, so handlers/* and handlers.ts import no cycle). */
import type { ModelStore } from '../core/models/store'
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

export interface AppServices {
  library: PhotoLibrary
  dialogs: HostDialogs
  shell: HostShell
  /** The pipeline worker every decode, model run, compose and export goes to. */
  worker: PipelineWorkerHost
  /** Main's model store (main runs no model: the worker does). */
  store: ModelStore
  /** The execution provider the settings ask for (the worker's sessions use it). */
  provider: () => ProviderPreference
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
