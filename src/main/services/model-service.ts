import type { ModelInfo, ModelProgress, ModelsOverview } from '../../shared/ipc/types'
import type { ModelInspection } from '../../shared/model-inspection'
import { HeirloomError, toAppError } from '../core/errors'
import { acceptLicence } from '../core/models/licences'
import type { ModelStatus, ModelStore } from '../core/models/store'
import type { ProviderPreference } from '../core/runtime/types'
import { runtimeInfo } from '../core/runtime/ort-adapter'
import type { HostDialogs } from './host'
import type { JobRunner } from './job-runner'
import type { PipelineWorkerHost } from './pipeline-host'

export interface ModelServiceDeps {
  /** Main's model store (list, download, remove); models run in the worker, so main opens none. */
  store: ModelStore
  /** The execution provider the settings ask for. */
  provider: () => ProviderPreference
  worker: PipelineWorkerHost
  jobs: JobRunner
  dialogs: HostDialogs
  emit: (p: ModelProgress) => void
}

/** The Models panel's backend: manifest + custom models with their state, downloads with progress, import/verify/remove. */
export class ModelService {
  private readonly downloading = new Set<string>()

  constructor(private readonly d: ModelServiceDeps) {}

  private info(s: ModelStatus): ModelInfo {
    const entry = this.d.store.entry(s.id)
    const state = this.downloading.has(s.id)
      ? 'downloading'
      : s.state === 'installed' || s.state === 'unverified'
        ? 'installed'
        : 'missing'
    return {
      id: s.id,
      name: s.name,
      kind: s.kind,
      family: s.family,
      size: s.size ?? s.bytes,
      license: s.license,
      commercialUse: s.commercialUse,
      state,
      isDefault: s.default ?? false,
      custom: s.custom ?? false,
      ...(entry.description ? { description: entry.description } : {})
    }
  }

  async overview(): Promise<ModelsOverview> {
    const rt = runtimeInfo()
    // Sessions run in the worker, so it knows which provider they got; a worker not started yet has run none.
    const used = await this.d.worker.callIfStarted('runtimeInfo', {})?.catch(() => undefined)
    return {
      models: this.d.store.list().map((s) => this.info(s)),
      ...(used?.lastProvider ? { providerInUse: used.lastProvider } : {}),
      providersSupported: rt.supported,
      providerPreference: this.d.provider(),
      ortVersion: rt.ortVersion
    }
  }

  async download(id: string, jobId: string, acceptLicense: boolean): Promise<ModelsOverview> {
    const store = this.d.store
    const entry = store.entry(id)
    if (!entry.commercialUse && !acceptLicense) {
      throw new HeirloomError(
        'INVALID_REQUEST',
        `${entry.name} is licensed for non-commercial use only (${entry.license}); confirm the license to download it.`
      )
    }
    if (this.downloading.has(id)) throw new HeirloomError('BUSY', `${entry.name} is already downloading.`)
    // Remembered per models folder, so the CLI does not ask again for a licence accepted in the app.
    if (!entry.commercialUse) await acceptLicence(store.dir, id)
    const job = this.d.jobs.track(jobId)
    this.downloading.add(id)
    this.d.emit({ id, received: 0, ...(entry.size ? { total: entry.size } : {}) })
    try {
      await store.fetch(id, {
        signal: job.signal,
        onProgress: (p) =>
          this.d.emit({ id, received: p.received, ...(p.total !== undefined ? { total: p.total } : {}) })
      })
      this.downloading.delete(id)
      this.d.emit({ id, received: entry.size ?? 0, done: true })
    } catch (err) {
      this.downloading.delete(id)
      this.d.emit({ id, received: 0, done: true, error: toAppError(err) })
      throw err
    } finally {
      this.downloading.delete(id)
      job.release()
    }
    return this.overview()
  }

  /**
   * The user picks the file; a manifest id must match its hash or contract, a kind makes a custom model. The worker
   * imports it, since checking the contract means loading the model.
   */
  async importFromDialog(id: string): Promise<ModelsOverview | null> {
    const file = await this.d.dialogs.chooseModelFile()
    if (file === null) return null
    await this.d.worker.call('importModel', { idOrKind: id, file })
    return this.overview()
  }

  /** The detail view: what the file is and whether it fits its contract (opened in the worker, like an import). */
  inspect(id: string): Promise<ModelInspection> {
    return this.d.worker.call('inspectModel', { idOrFile: id })
  }

  verify(id: string): Promise<boolean> {
    return this.d.store.verify(id)
  }

  async remove(id: string): Promise<ModelsOverview> {
    if (this.downloading.has(id)) throw new HeirloomError('BUSY', 'Cancel the download before removing the model.')
    const path = this.d.store.pathFor(id)
    await this.d.worker.callIfStarted('releaseModel', { path })
    await this.d.store.remove(id)
    return this.overview()
  }
}
