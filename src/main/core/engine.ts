import { basename, resolve } from 'node:path'
import type { ManifestEntry, ModelContract, ModelFamily, ModelKind } from '../../shared/model-manifest'
import { HeirloomError } from './errors'
import type { DownloadProgress } from './models/download'
import { acceptLicence, licenceAccepted } from './models/licences'
import { defaultModelsDir } from './models/paths'
import { ModelStore } from './models/store'
import { bindSession } from './runtime/bound-session'
import { checkContract } from './runtime/contract'
import { SessionCache } from './runtime/session-cache'
import type { ModelSession, ProviderPreference } from './runtime/types'

export type ModelRef =
  | { id: string }
  | { file: string; kind: ModelKind; family: ModelFamily; contract?: ModelContract; options?: Record<string, unknown> }

export interface LoadedModel {
  entry: ManifestEntry
  path: string
  session: ModelSession
  /** True for files Heirloom cannot vouch for (custom imports, ad-hoc files). */
  unverified?: boolean
}

export type EngineDownloadProgress = DownloadProgress & { id: string }

export interface EngineOptions {
  modelsDir?: string
  provider?: ProviderPreference
  /** Download missing manifest models on first use (default false: MODEL_MISSING says how to fetch). */
  autoDownload?: boolean
  onDownloadProgress?: (p: EngineDownloadProgress) => void
  /**
   * With autoDownload: download non-commercial models without asking (the user passed --accept-license); the
   * acceptance is remembered in the models folder. Otherwise such a model needs an earlier acceptance.
   */
  acceptLicences?: boolean
  /** Most open sessions kept (default 4). */
  maxSessions?: number
  /** Injected in tests. */
  store?: ModelStore
  sessions?: SessionCache
}

export interface Engine {
  store: ModelStore
  sessions: SessionCache
  provider: ProviderPreference
  /** Resolves, opens (cached) and contract-checks a model. */
  openModel(ref: ModelRef): Promise<LoadedModel>
  /** Path of a model's file, downloading it when allowed; for non-ONNX files such as `.npy` directions. */
  modelPath(id: string): Promise<string>
  /**
   * Makes every listed model available before any is used: the missing ones are named in one MODEL_MISSING (when
   * they cannot be downloaded, or need a licence accepted first), else downloaded one after the other.
   */
  ensureModels(ids: readonly string[]): Promise<void>
  dispose(): Promise<void>
}

export function createEngine(opts: EngineOptions = {}): Engine {
  const provider = opts.provider ?? 'auto'
  const store = opts.store ?? new ModelStore({ dir: opts.modelsDir ?? defaultModelsDir() })
  const sessions = opts.sessions ?? new SessionCache({ provider, max: opts.maxSessions ?? 4 })
  const downloads = new Map<string, Promise<string>>()

  /** Throws the one MODEL_MISSING for the models among `ids` that are absent and may not be downloaded now. */
  async function checkDownloadable(ids: readonly string[]): Promise<string[]> {
    const missing = [...new Set(ids)].filter((id) => !store.isInstalled(id))
    if (missing.length === 0) return []
    const entries = missing.map((id) => store.entry(id))
    const names = (list: typeof entries): string => list.map((e) => `${e.name} (${e.id})`).join(', ')
    const one = missing.length === 1
    if (!opts.autoDownload || entries.some((e) => e.urls.length === 0)) {
      // How to get them differs per surface (CLI commands, the app's Models panel): they add it from modelIds.
      throw new HeirloomError(
        'MODEL_MISSING',
        one ? `Model ${names(entries)} is not installed.` : `These models are not installed: ${names(entries)}.`,
        { modelId: missing[0], modelIds: missing }
      )
    }
    const unaccepted = entries.filter((e) => !e.commercialUse && !licenceAccepted(store.dir, e.id))
    if (unaccepted.length > 0) {
      if (!opts.acceptLicences) {
        const licences = [...new Set(unaccepted.map((e) => e.license))].join('; ')
        throw new HeirloomError(
          'MODEL_MISSING',
          `${names(unaccepted)} ${unaccepted.length === 1 ? 'is' : 'are'} not installed and licensed for non-commercial use only (${licences}); downloading needs your acceptance of that.`,
          { modelId: unaccepted[0].id, modelIds: unaccepted.map((e) => e.id), licence: true }
        )
      }
      await acceptLicence(store.dir, ...unaccepted.map((e) => e.id))
    }
    return missing
  }

  async function ensureModels(ids: readonly string[]): Promise<void> {
    for (const id of await checkDownloadable(ids)) await modelPath(id)
  }

  async function modelPath(id: string): Promise<string> {
    if (store.isInstalled(id)) return store.pathFor(id)
    await checkDownloadable([id])
    // Two stages asking for the same model share one download.
    let pending = downloads.get(id)
    if (!pending) {
      const onProgress = opts.onDownloadProgress
      pending = store
        .fetch(id, onProgress ? { onProgress: (p) => onProgress({ ...p, id }) } : {})
        .finally(() => downloads.delete(id))
      downloads.set(id, pending)
    }
    return pending
  }

  async function open(path: string, entry: ManifestEntry, unverified: boolean): Promise<LoadedModel> {
    const raw = await sessions.get(path)
    let session = raw
    if (entry.contract) {
      try {
        // Stages then use the contract's tensor names whatever this export calls them.
        session = bindSession(raw, checkContract(raw, entry.contract, entry.name).binding)
      } catch (err) {
        await sessions.dispose(path)
        throw err
      }
    }
    return { entry, path, session, ...(unverified ? { unverified: true } : {}) }
  }

  return {
    store,
    sessions,
    provider,
    async openModel(ref) {
      if ('id' in ref) {
        const entry = store.entry(ref.id)
        const path = await modelPath(ref.id)
        return open(path, entry, store.status(ref.id).state !== 'installed')
      }
      const path = resolve(ref.file)
      const contract = ref.contract ?? store.defaultContract(ref.kind, ref.family)
      const options =
        ref.options ?? store.manifest.models.find((m) => m.kind === ref.kind && m.family === ref.family)?.options
      const entry: ManifestEntry = {
        id: `file-${basename(path)}`,
        name: basename(path),
        kind: ref.kind,
        family: ref.family,
        file: basename(path),
        license: 'unknown (file chosen by the user)',
        commercialUse: false,
        urls: [],
        ...(contract ? { contract } : {}),
        ...(options ? { options } : {})
      }
      return open(path, entry, true)
    },
    modelPath,
    ensureModels,
    async dispose() {
      await sessions.disposeAll()
    }
  }
}
