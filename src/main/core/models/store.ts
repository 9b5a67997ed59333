import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { copyAtomic } from './copy-atomic'
import { mirroredUrls, modelMirrors } from './mirrors'
import { checkExternalData, copyExternalData } from './external-data'
import { basename, dirname, extname, join } from 'node:path'
import type { Manifest, ManifestEntry, ModelContract, ModelFamily, ModelKind } from '../../../shared/model-manifest'
import { MODEL_KINDS } from '../../../shared/model-manifest'
import { HeirloomError } from '../errors'
import { checkContract } from '../runtime/contract'
import { openSession } from '../runtime/ort-adapter'
import { type DownloadProgress, type FetchImpl, downloadFile, hashFile } from './download'
import { defaultEntry, findEntry, loadManifest } from './manifest'
import { parseNpy } from './npy'

export type ModelState = 'installed' | 'missing' | 'partial' | 'unverified'

export interface ModelStatus {
  id: string
  name: string
  kind: ModelKind
  family: ModelFamily
  license: string
  commercialUse: boolean
  state: ModelState
  path: string
  /** Bytes on disk (the `.part` size while partial). */
  bytes?: number
  /** Expected size from the manifest, when known. */
  size?: number
  default?: boolean
  custom?: boolean
}

export interface FetchOptions {
  onProgress?: (p: DownloadProgress) => void
  signal?: AbortSignal
  fetchImpl?: FetchImpl
  timeoutMs?: number
  retries?: number
  backoffMs?: number
}

export interface ImportOptions {
  /** For custom models: decoder family (default: the default model's family for the kind). */
  family?: ModelFamily
  name?: string
  contract?: ModelContract
}

interface CustomRecord {
  id: string
  name: string
  kind: ModelKind
  family: ModelFamily
  file: string
  sha256: string
  size: number
  importedAt: string
  /** External-data files the graph references, stored beside it. */
  sidecars?: string[]
  contract?: ModelContract
}

const CUSTOM_DIR = 'custom'
const REGISTRY = 'custom.json'

function isKind(v: string): v is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(v)
}

/** `sha256sum`-compatible sidecar line, so users can check files with standard tools. */
const sidecarLine = (sha: string, file: string): string => `${sha}  ${file}\n`

/**
 * The models folder: manifest models at `<dir>/<file>` with a `<file>.sha256` sidecar once verified, downloads in
 * progress as `<file>.part`, and user-imported models under `custom/` listed in `custom.json`.
 */
export class ModelStore {
  readonly dir: string
  readonly manifest: Manifest
  private readonly fetchImpl: FetchImpl | undefined
  private readonly mirrors: string[]

  constructor(opts: { dir: string; manifest?: Manifest; fetchImpl?: FetchImpl; mirrors?: string[] }) {
    this.dir = opts.dir
    this.manifest = opts.manifest ?? loadManifest()
    this.fetchImpl = opts.fetchImpl
    this.mirrors = opts.mirrors ?? modelMirrors()
  }

  list(): ModelStatus[] {
    const builtIn = this.manifest.models.map((m) => this.statusOf(m))
    const custom = this.customRecords().map((r) => this.customStatus(r))
    return [...builtIn, ...custom]
  }

  status(id: string): ModelStatus {
    const rec = this.customRecords().find((r) => r.id === id)
    return rec ? this.customStatus(rec) : this.statusOf(this.entry(id))
  }

  /** Manifest entry, or a synthetic one for a custom import. Unknown ids are INVALID_REQUEST. */
  entry(id: string): ManifestEntry {
    const found = findEntry(this.manifest, id)
    if (found) return found
    const rec = this.customRecords().find((r) => r.id === id)
    if (rec) return this.customEntry(rec)
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Unknown model "${id}". Known models: ${this.list()
        .map((m) => m.id)
        .join(', ')}`
    )
  }

  pathFor(id: string): string {
    const rec = this.customRecords().find((r) => r.id === id)
    if (rec) return join(this.dir, CUSTOM_DIR, rec.file)
    return join(this.dir, this.entry(id).file)
  }

  /** The file is present (verified or not). */
  isInstalled(id: string): boolean {
    const s = this.status(id).state
    return s === 'installed' || s === 'unverified'
  }

  /** Downloads a manifest model unless it is already installed; returns its path. */
  async fetch(id: string, opts: FetchOptions = {}): Promise<string> {
    try {
      return await this.download(id, opts)
    } catch (err) {
      // Name the model, so each surface can say how to get it another way (import, mirror).
      if (err instanceof HeirloomError && !err.modelId) {
        throw new HeirloomError(err.code, err.message, { cause: err, modelId: id })
      }
      throw err
    }
  }

  private async download(id: string, opts: FetchOptions): Promise<string> {
    const entry = this.entry(id)
    const path = this.pathFor(id)
    if (findEntry(this.manifest, id) === undefined) {
      throw new HeirloomError('INVALID_REQUEST', `"${id}" is a custom model; there is nothing to download`)
    }
    if (this.statusOf(entry).state === 'installed') return path
    await mkdir(this.dir, { recursive: true })
    const fetchImpl = opts.fetchImpl ?? this.fetchImpl
    const crc = entry.sha256 ? undefined : await this.publisherCrc(entry, fetchImpl, opts)
    const result = await downloadFile([...mirroredUrls(this.mirrors, entry.file), ...entry.urls], path, {
      id,
      ...(entry.sha256 ? { sha256: entry.sha256 } : {}),
      ...(crc ? { crc32: crc } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(fetchImpl ? { fetchImpl } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
      ...(opts.backoffMs !== undefined ? { backoffMs: opts.backoffMs } : {})
    })
    // External-data files sit beside the graph at the publisher too; fetched before the graph is recorded as done.
    for (const name of entry.externalData ?? []) {
      await downloadFile(
        [...mirroredUrls(this.mirrors, name), ...entry.urls.map((u) => new URL(name, u).href)],
        join(this.dir, name),
        {
          id: `${id}:${name}`,
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(fetchImpl ? { fetchImpl } : {}),
          ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
          ...(opts.retries !== undefined ? { retries: opts.retries } : {})
        }
      )
    }
    // CRC32 (or nothing) only proves the transfer; the recorded SHA-256 pins this exact file from now on.
    await writeFile(`${path}.sha256`, sidecarLine(result.sha256, entry.file))
    return path
  }

  /**
   * Imports a file. With a manifest id it must match the pinned SHA-256 (or, unpinned, pass the contract check);
   * with a kind it becomes a custom model under custom/, contract-checked by opening it, marked unverified.
   */
  async importFile(idOrKind: string, file: string, opts: ImportOptions = {}): Promise<ModelStatus> {
    if (!existsSync(file) || !statSync(file).isFile()) throw new HeirloomError('NOT_FOUND', `File not found: ${file}`)
    const entry = findEntry(this.manifest, idOrKind)
    if (entry) return this.importManifestModel(entry, file)
    if (isKind(idOrKind)) return this.importCustom(idOrKind, file, opts)
    throw new HeirloomError(
      'INVALID_REQUEST',
      `"${idOrKind}" is neither a model id nor a kind (${MODEL_KINDS.join(', ')})`
    )
  }

  /** Re-hashes an installed file against its pinned or recorded SHA-256. */
  async verify(id: string): Promise<boolean> {
    const path = this.pathFor(id)
    if (!existsSync(path)) return false
    const expected = this.expectedSha(id)
    if (!expected) return false
    const got = await hashFile(path)
    return got.sha256 === expected
  }

  async remove(id: string): Promise<void> {
    const path = this.pathFor(id)
    const rec = this.customRecords().find((r) => r.id === id)
    const sidecars = rec ? (rec.sidecars ?? []) : (this.entry(id).externalData ?? [])
    await Promise.all([
      ...sidecars.map((s) => rm(join(dirname(path), s), { force: true })),
      rm(path, { force: true }),
      rm(`${path}.sha256`, { force: true }),
      rm(`${path}.part`, { force: true })
    ])
    if (rec) await this.writeRegistry(this.customRecords().filter((r) => r.id !== id))
  }

  /** The publisher's CRC32 from its `.hash` file (8 hex chars), fetched before the model itself. */
  private async publisherCrc(
    entry: ManifestEntry,
    fetchImpl: FetchImpl | undefined,
    opts: FetchOptions
  ): Promise<string | undefined> {
    const url = entry.publisherHash?.url
    if (!url) return undefined
    const doFetch = fetchImpl ?? ((u: string, i?: RequestInit) => fetch(u, i))
    const hashName = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '')
    const candidates = [...(hashName ? mirroredUrls(this.mirrors, hashName) : []), url]
    let text: string | undefined
    const failures: string[] = []
    for (const candidate of candidates) {
      const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000)
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout
      try {
        const res = await doFetch(candidate, { signal })
        if (!res.ok) throw new Error(`HTTP ${res.status}`)
        text = await res.text()
        break
      } catch (err) {
        if (opts.signal?.aborted) throw new HeirloomError('CANCELLED', 'The download was cancelled.')
        failures.push(`${candidate}: ${(err as Error).message}`)
      }
    }
    if (text === undefined) {
      throw new HeirloomError('DOWNLOAD_FAILED', `Cannot fetch the checksum of ${entry.name} (${failures.join('; ')})`)
    }
    const crc = /\b([0-9a-fA-F]{8})\b/.exec(text)?.[1]
    if (!crc) throw new HeirloomError('DOWNLOAD_FAILED', `The checksum file ${url} does not hold a CRC32`)
    return crc.toLowerCase()
  }

  private expectedSha(id: string): string | undefined {
    const rec = this.customRecords().find((r) => r.id === id)
    if (rec) return rec.sha256
    const entry = this.entry(id)
    return entry.sha256 ?? this.recordedSha(join(this.dir, entry.file))
  }

  private recordedSha(path: string): string | undefined {
    try {
      return /^([0-9a-f]{64})\b/.exec(readFileSync(`${path}.sha256`, 'utf8'))?.[1]
    } catch {
      return undefined
    }
  }

  private statusOf(m: ManifestEntry): ModelStatus {
    const path = join(this.dir, m.file)
    const base: ModelStatus = {
      id: m.id,
      name: m.name,
      kind: m.kind,
      family: m.family,
      license: m.license,
      commercialUse: m.commercialUse,
      state: 'missing',
      path,
      ...(m.size ? { size: m.size } : {}),
      ...(m.default ? { default: true } : {})
    }
    const bytes = fileSize(path)
    if (bytes !== undefined) {
      const recorded = this.recordedSha(path)
      const ok = recorded !== undefined && (!m.sha256 || recorded === m.sha256) && (!m.size || m.size === bytes)
      return { ...base, state: ok ? 'installed' : 'unverified', bytes }
    }
    const partBytes = fileSize(`${path}.part`)
    if (partBytes !== undefined) return { ...base, state: 'partial', bytes: partBytes }
    return base
  }

  private customStatus(r: CustomRecord): ModelStatus {
    const path = join(this.dir, CUSTOM_DIR, r.file)
    const bytes = fileSize(path)
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      family: r.family,
      license: 'unknown (imported by the user)',
      commercialUse: false,
      state: bytes === undefined ? 'missing' : 'unverified',
      path,
      size: r.size,
      custom: true,
      ...(bytes !== undefined ? { bytes } : {})
    }
  }

  private customEntry(r: CustomRecord): ManifestEntry {
    const contract = r.contract ?? this.defaultContract(r.kind, r.family)
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      family: r.family,
      file: r.file,
      size: r.size,
      sha256: r.sha256,
      license: 'unknown (imported by the user)',
      commercialUse: false,
      urls: [],
      description: `Imported on ${r.importedAt}; not verified by Heirloom.`,
      ...(contract ? { contract } : {}),
      ...(this.defaultOptions(r.kind, r.family) ?? {})
    }
  }

  private defaultOptions(kind: ModelKind, family: ModelFamily): { options: Record<string, unknown> } | undefined {
    const model = this.manifest.models.find((m) => m.kind === kind && m.family === family)
    return model?.options ? { options: model.options } : undefined
  }

  /** The contract of the manifest's model of that kind and family (default one first). */
  defaultContract(kind: ModelKind, family: ModelFamily): ModelContract | undefined {
    const def = defaultEntry(this.manifest, kind)
    if (def?.family === family && def.contract) return def.contract
    return this.manifest.models.find((m) => m.kind === kind && m.family === family && m.contract)?.contract
  }

  private async importManifestModel(entry: ManifestEntry, file: string): Promise<ModelStatus> {
    const got = await hashFile(file)
    if (entry.sha256 && got.sha256 !== entry.sha256) {
      throw new HeirloomError(
        'MODEL_INVALID',
        `${basename(file)} is not ${entry.name}: its SHA-256 ${got.sha256} differs from the published ${entry.sha256}`
      )
    }
    await checkExternalData(file)
    if (!entry.sha256) await this.checkFile(file, entry.kind, entry.contract, entry.name)
    await mkdir(this.dir, { recursive: true })
    const dest = join(this.dir, entry.file)
    // Sidecars first: a model file never sits in the store without the weights it points at.
    await copyExternalData(file, this.dir)
    await copyAtomic(file, dest)
    await writeFile(`${dest}.sha256`, sidecarLine(got.sha256, entry.file))
    return this.statusOf(entry)
  }

  private async importCustom(kind: ModelKind, file: string, opts: ImportOptions): Promise<ModelStatus> {
    const family = opts.family ?? defaultEntry(this.manifest, kind)?.family
    if (!family) throw new HeirloomError('INVALID_REQUEST', `No model family known for kind "${kind}"; pass a family`)
    const contract = opts.contract ?? this.defaultContract(kind, family)
    const name = opts.name ?? basename(file)
    await checkExternalData(file)
    await this.checkFile(file, kind, contract, name)
    const got = await hashFile(file)
    const stem = basename(file, extname(file))
    const slug = stem
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
    const id = `custom-${slug || 'model'}`
    const storedName = `${id}${extname(file).toLowerCase() || '.onnx'}`
    if (findEntry(this.manifest, id))
      throw new HeirloomError('INVALID_REQUEST', `"${id}" clashes with a built-in model id`)
    await mkdir(join(this.dir, CUSTOM_DIR), { recursive: true })
    const sidecars = await copyExternalData(file, join(this.dir, CUSTOM_DIR))
    await copyAtomic(file, join(this.dir, CUSTOM_DIR, storedName))
    const record: CustomRecord = {
      id,
      name,
      kind,
      family,
      file: storedName,
      sha256: got.sha256,
      size: got.bytes,
      importedAt: new Date().toISOString(),
      ...(sidecars.length ? { sidecars } : {}),
      ...(opts.contract ? { contract: opts.contract } : {})
    }
    await this.writeRegistry([...this.customRecords().filter((r) => r.id !== id), record])
    return this.customStatus(record)
  }

  /** Opens the file the way the engine will: .npy arrays parsed, ONNX graphs contract-checked. */
  private async checkFile(
    file: string,
    kind: ModelKind,
    contract: ModelContract | undefined,
    label: string
  ): Promise<void> {
    if (kind === 'age-direction' || extname(file).toLowerCase() === '.npy') {
      parseNpy(await readFile(file), label)
      return
    }
    const session = await openSession(file, { provider: 'cpu', label })
    try {
      if (contract) checkContract(session, contract, label)
    } finally {
      await session.dispose()
    }
  }

  private customRecords(): CustomRecord[] {
    try {
      const raw = JSON.parse(readFileSync(join(this.dir, REGISTRY), 'utf8')) as { models?: CustomRecord[] }
      return Array.isArray(raw.models) ? raw.models : []
    } catch {
      return []
    }
  }

  private async writeRegistry(models: CustomRecord[]): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const tmp = join(this.dir, `${REGISTRY}.tmp`)
    await writeFile(tmp, `${JSON.stringify({ version: 1, models }, null, 2)}\n`)
    await rename(tmp, join(this.dir, REGISTRY))
  }
}

function fileSize(path: string): number | undefined {
  try {
    const s = statSync(path)
    return s.isFile() ? s.size : undefined
  } catch {
    return undefined
  }
}
