import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, readFile, rm, rmdir } from 'node:fs/promises'
import { copyAtomic } from './copy-atomic'
import { mirroredUrls, modelMirrors } from './mirrors'
import { checkExternalData, copyExternalData } from './external-data'
import { basename, dirname, extname, join, posix } from 'node:path'
import { type CheckKind, checkOf } from './checks'
import { withRegistryLock } from './registry-lock'
import { type HashList, isInsideName, readHashList, writeHashList } from './sidecar'
import type { Manifest, ManifestEntry, ModelContract, ModelFamily, ModelKind } from '../../../shared/model-manifest'
import { MODEL_KINDS } from '../../../shared/model-manifest'
import { HeirloomError } from '../errors'
import { checkContract } from '../runtime/contract'
import { openSession } from '../runtime/ort-adapter'
import {
  type DownloadProgress,
  type FetchImpl,
  downloadFile,
  downloadLimits,
  hashFile,
  networkReason
} from './download'
import { defaultEntry, findEntry, loadManifest } from './manifest'
import { parseNpy } from './npy'
import { writeFileAtomic } from '../io/write-atomic'

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
  /** What proves the file is the publisher's (see checks.ts). */
  check: CheckKind
}

/** What a download did, in words a user can trust: exactly which check ran. */
export interface FetchOutcome {
  path: string
  /** Already installed: nothing was downloaded. */
  already: boolean
  /** The check that actually ran (a CRC model whose publisher could not be reached is only recorded). */
  check: CheckKind
  /** Why the expected check could not run, when it could not. */
  note?: string
  sha256?: string
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
  /** SHA-256 of each external-data file, re-checked by verify. */
  sidecarSha256?: Record<string, string>
  contract?: ModelContract
}

const CUSTOM_DIR = 'custom'
const REGISTRY = 'custom.json'

function isKind(v: string): v is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(v)
}

/**
 * The models folder: manifest models at `<dir>/<file>` with a `<file>.sha256` list (the file and its external data)
 * once checked, downloads in progress as `<file>.part`, and user-imported models under `custom/<sha256>/`, one
 * folder per content (so equal names never collide), listed in `custom.json` (changed only under a file lock).
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
    return (await this.install(id, opts)).path
  }

  /** Like fetch, and says which check the file passed. */
  async install(id: string, opts: FetchOptions = {}): Promise<FetchOutcome> {
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

  private async download(id: string, opts: FetchOptions): Promise<FetchOutcome> {
    const entry = this.entry(id)
    const path = this.pathFor(id)
    if (findEntry(this.manifest, id) === undefined) {
      throw new HeirloomError('INVALID_REQUEST', `"${id}" is a custom model; there is nothing to download`)
    }
    if (this.statusOf(entry).state === 'installed') return { path, already: true, check: checkOf(entry) }
    await mkdir(this.dir, { recursive: true })
    const fetchImpl = opts.fetchImpl ?? this.fetchImpl
    const limits = downloadLimits()
    const common = {
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(fetchImpl ? { fetchImpl } : {}),
      timeoutMs: opts.timeoutMs ?? limits.timeoutMs,
      deadlineMs: limits.deadlineMs,
      minBytesPerSecond: limits.minBytesPerSecond,
      rateWindowMs: limits.rateWindowMs,
      ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
      ...(opts.backoffMs !== undefined ? { backoffMs: opts.backoffMs } : {})
    }
    let crc: string | undefined
    let note: string | undefined
    if (!entry.sha256 && entry.publisherHash) {
      try {
        crc = await this.publisherCrc(entry, fetchImpl, opts)
      } catch (err) {
        if (err instanceof HeirloomError && err.code === 'CANCELLED') throw err
        // No publisher CRC (offline archive behind a mirror): the file is still contract-checked and its SHA-256
        // recorded, and the words say so instead of calling it verified.
        note = (err as Error).message
      }
    }
    // External-data files sit beside the graph at the publisher too; they must be present for the graph to load.
    const hashes: HashList = []
    for (const name of entry.externalData ?? []) {
      const r = await downloadFile(
        [...mirroredUrls(this.mirrors, name), ...entry.urls.map((u) => new URL(name, u).href)],
        join(this.dir, name),
        { ...common, id: `${id}:${name}`, maxBytes: limits.maxBytes }
      )
      hashes.push({ sha256: r.sha256, file: name })
    }
    const result = await downloadFile([...mirroredUrls(this.mirrors, entry.file), ...entry.urls], path, {
      ...common,
      id,
      ...(entry.sha256 ? { sha256: entry.sha256 } : {}),
      ...(crc ? { crc32: crc } : {}),
      // Stop at the manifest size: a mirror announcing or sending more never fills the disk.
      maxBytes: entry.size ?? limits.maxBytes,
      // A pinned SHA-256 proves the file; anything weaker must at least load and fit the model's contract.
      ...(entry.sha256
        ? {}
        : { accept: (part: string) => this.checkFile(part, entry.kind, entry.contract, entry.name, entry.file) })
    })
    // The recorded SHA-256 list pins this exact file (and its external data) from now on.
    await writeHashList(`${path}.sha256`, [{ sha256: result.sha256, file: entry.file }, ...hashes])
    const check: CheckKind = entry.sha256 ? 'sha256-pinned' : crc ? 'publisher-crc32' : 'recorded-on-first-download'
    return { path, already: false, check, sha256: result.sha256, ...(note ? { note } : {}) }
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

  /** Re-hashes an installed file and its external data against their pinned or recorded SHA-256. */
  async verify(id: string): Promise<boolean> {
    return (await this.verifyFiles(id)).ok
  }

  /** Every file checked, with what was found; `ok` only when each one matches and something was recorded. */
  async verifyFiles(id: string): Promise<{ ok: boolean; files: { file: string; ok: boolean; reason?: string }[] }> {
    const path = this.pathFor(id)
    if (!existsSync(path)) return { ok: false, files: [{ file: basename(path), ok: false, reason: 'missing' }] }
    const expected = this.expectedHashes(id)
    if (expected.length === 0) {
      return { ok: false, files: [{ file: basename(path), ok: false, reason: 'no SHA-256 recorded' }] }
    }
    const files: { file: string; ok: boolean; reason?: string }[] = []
    for (const h of expected) {
      const p = join(dirname(path), h.file)
      if (!existsSync(p)) {
        files.push({ file: h.file, ok: false, reason: 'missing' })
        continue
      }
      const got = await hashFile(p)
      files.push(
        got.sha256 === h.sha256 ? { file: h.file, ok: true } : { file: h.file, ok: false, reason: 'SHA-256 differs' }
      )
    }
    return { ok: files.every((f) => f.ok), files }
  }

  /**
   * Deletes a model's files (and any partial download); returns the names it deleted (none: it was not installed).
   * A custom model's folder goes only when no other imported model shares it.
   */
  async remove(id: string): Promise<string[]> {
    const rec = this.customRecords().find((r) => r.id === id)
    if (rec) return this.removeCustom(id)
    const entry = this.entry(id)
    const path = this.pathFor(id)
    const names = [
      ...new Set([...(entry.externalData ?? []), ...readHashList(`${path}.sha256`).map((h) => h.file)])
    ].filter((n) => n !== entry.file)
    const candidates = [path, `${path}.sha256`, `${path}.part`, ...names.map((n) => join(this.dir, n))]
    const present = candidates.filter((p) => existsSync(p))
    await Promise.all(present.map((p) => rm(p, { force: true })))
    return present.map((p) => basename(p))
  }

  private async removeCustom(id: string): Promise<string[]> {
    return withRegistryLock(this.dir, async () => {
      const all = this.customRecords()
      const rec = all.find((r) => r.id === id)
      if (!rec) return []
      const rest = all.filter((r) => r.id !== id)
      await this.writeRegistry(rest)
      // Files another record still uses stay (same content imported under two ids, or an old flat-layout sidecar).
      const inUse = new Set(rest.flatMap((r) => this.customFiles(r)))
      const mine = this.customFiles(rec).filter((f) => !inUse.has(f))
      const present = mine.filter((f) => existsSync(join(this.dir, CUSTOM_DIR, f)))
      await Promise.all(present.map((f) => rm(join(this.dir, CUSTOM_DIR, f), { force: true })))
      const folder = posix.dirname(rec.file)
      if (/^[0-9a-f]{64}$/.test(folder) && !rest.some((r) => posix.dirname(r.file) === folder)) {
        await rm(join(this.dir, CUSTOM_DIR, folder), { recursive: true, force: true })
      }
      await rmdir(join(this.dir, CUSTOM_DIR)).catch(() => undefined)
      return present.map((f) => posix.basename(f))
    })
  }

  /** Paths under custom/ of a record's model and sidecar files (a hand-edited registry never reaches outside). */
  private customFiles(r: CustomRecord): string[] {
    const folder = posix.dirname(r.file)
    return [r.file, ...(r.sidecars ?? []).map((s) => (folder === '.' ? s : posix.join(folder, s)))].filter(isInsideName)
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
    // Only the publisher's own URL: a checksum served by the mirror would prove nothing about the mirror's file.
    const candidates = [url]
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
        failures.push(`${candidate}: ${networkReason(err)}`)
      }
    }
    if (text === undefined) {
      throw new HeirloomError('DOWNLOAD_FAILED', `the publisher's CRC32 could not be fetched (${failures.join('; ')})`)
    }
    const crc = /\b([0-9a-fA-F]{8})\b/.exec(text)?.[1]
    if (!crc) throw new HeirloomError('DOWNLOAD_FAILED', `the publisher's checksum file ${url} holds no CRC32`)
    return crc.toLowerCase()
  }

  /** The files of a model with the SHA-256 each must have: pinned, recorded at download/import, or in the registry. */
  private expectedHashes(id: string): HashList {
    const rec = this.customRecords().find((r) => r.id === id)
    if (rec) {
      const sums = rec.sidecarSha256 ?? {}
      return [
        { sha256: rec.sha256, file: posix.basename(rec.file) },
        ...(rec.sidecars ?? []).filter((s) => sums[s]).map((s) => ({ sha256: sums[s], file: s }))
      ]
    }
    const entry = this.entry(id)
    const recorded = readHashList(join(this.dir, `${entry.file}.sha256`))
    const main = entry.sha256 ?? recorded.find((h) => h.file === entry.file)?.sha256
    if (!main) return []
    return [{ sha256: main, file: entry.file }, ...recorded.filter((h) => h.file !== entry.file)]
  }

  private recordedSha(path: string): string | undefined {
    const name = basename(path)
    const list = readHashList(`${path}.sha256`)
    return (list.find((h) => h.file === name) ?? list[0])?.sha256
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
      ...(m.default ? { default: true } : {}),
      check: checkOf(m)
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
      check: 'none (imported by you)',
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
    const locations = await checkExternalData(file)
    if (!entry.sha256) await this.checkFile(file, entry.kind, entry.contract, entry.name)
    await mkdir(this.dir, { recursive: true })
    const dest = join(this.dir, entry.file)
    // Sidecars first: a model file never sits in the store without the weights it points at.
    await copyExternalData(file, this.dir)
    const hashes: HashList = []
    for (const loc of locations) hashes.push({ sha256: (await hashFile(join(this.dir, loc))).sha256, file: loc })
    await copyAtomic(file, dest)
    await writeHashList(`${dest}.sha256`, [{ sha256: got.sha256, file: entry.file }, ...hashes])
    return this.statusOf(entry)
  }

  private async importCustom(kind: ModelKind, file: string, opts: ImportOptions): Promise<ModelStatus> {
    // A mapping network has no manifest entry; generate opens it as StyleGAN2's.
    const family =
      opts.family ?? defaultEntry(this.manifest, kind)?.family ?? (kind === 'mapping' ? 'stylegan2' : undefined)
    if (!family) {
      throw new HeirloomError(
        'INVALID_REQUEST',
        `No model family known for kind "${kind}"; pass --family (${familiesFor(this.manifest, kind)})`
      )
    }
    const contract = opts.contract ?? this.defaultContract(kind, family)
    const name = opts.name ?? basename(file)
    await checkExternalData(file)
    await this.checkFile(file, kind, contract, name)
    const got = await hashFile(file)
    const stem = basename(file, extname(file))
    const slug =
      stem
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[^a-z0-9]+/, '') || 'model'
    // One folder per content: two files of the same name, or two sidecars of the same name, never meet.
    const folder = got.sha256
    const storedName = `model${extname(file).toLowerCase() || '.onnx'}`
    const dest = join(this.dir, CUSTOM_DIR, folder)
    return withRegistryLock(this.dir, async () => {
      const records = this.customRecords()
      // The first free id; the same content of the same kind re-imported keeps its id.
      const candidates = [
        `custom-${slug}`,
        `custom-${slug}-${folder.slice(0, 8)}`,
        `custom-${slug}-${kind}-${folder.slice(0, 8)}`
      ]
      const id =
        candidates.find((c) => {
          const r = records.find((x) => x.id === c)
          return !findEntry(this.manifest, c) && (!r || (r.sha256 === got.sha256 && r.kind === kind))
        }) ?? `custom-${slug}-${Date.now().toString(36)}`
      await mkdir(dest, { recursive: true })
      const sidecars = await copyExternalData(file, dest)
      const sidecarSha256: Record<string, string> = {}
      for (const s of sidecars) sidecarSha256[s] = (await hashFile(join(dest, s))).sha256
      await copyAtomic(file, join(dest, storedName))
      const record: CustomRecord = {
        id,
        name,
        kind,
        family,
        file: posix.join(folder, storedName),
        sha256: got.sha256,
        size: got.bytes,
        importedAt: new Date().toISOString(),
        ...(sidecars.length ? { sidecars, sidecarSha256 } : {}),
        ...(opts.contract ? { contract: opts.contract } : {})
      }
      await this.writeRegistry([...records.filter((r) => r.id !== id), record])
      return this.customStatus(record)
    })
  }

  /** Opens the file the way the engine will: .npy arrays parsed, ONNX graphs contract-checked. */
  private async checkFile(
    file: string,
    kind: ModelKind,
    contract: ModelContract | undefined,
    label: string,
    /** The name the file will have (a download is checked while still `<name>.part`). */
    asName: string = file
  ): Promise<void> {
    if (kind === 'age-direction' || extname(asName).toLowerCase() === '.npy') {
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

  /** Called under the registry lock; the atomic writer writes a uniquely named temp file, then renames it. */
  private async writeRegistry(models: CustomRecord[]): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    await writeFileAtomic(join(this.dir, REGISTRY), `${JSON.stringify({ version: 1, models }, null, 2)}\n`, {
      overwrite: true
    })
  }
}

/** The families manifest models of a kind use (or every family, for a kind the manifest has none of). */
function familiesFor(manifest: Manifest, kind: ModelKind): string {
  const fams = [...new Set(manifest.models.filter((m) => m.kind === kind).map((m) => m.family))]
  return fams.length ? fams.join(', ') : kind === 'mapping' ? 'stylegan2' : 'see heirloom models import --help'
}

function fileSize(path: string): number | undefined {
  try {
    const s = statSync(path)
    return s.isFile() ? s.size : undefined
  } catch {
    return undefined
  }
}
