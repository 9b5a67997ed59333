/**
 * Reads any photo's Content Credentials (Heirloom's or another tool's) into a short summary: who signed, with what,
 * what was done, the ingredients (with their own manifests' signers), and the validation state c2pa-rs reports.
 */
import { readFile } from 'node:fs/promises'
import type {
  ActionSummary,
  CredentialsReport,
  ManifestSummary,
  StatusEntry,
  ValidationState
} from '../../../shared/credentials'
import { HeirloomError } from '../errors'
import { loadC2pa } from './c2pa-runtime'
import { sniffMime } from './formats'

type Json = Record<string, unknown>
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {})
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

function agentName(v: unknown): string | undefined {
  if (typeof v === 'string') return v
  const o = obj(v)
  const name = str(o.name)
  return name ? (str(o.version) ? `${name}/${str(o.version)}` : name) : undefined
}

function claimGenerator(m: Json): string | undefined {
  const info = arr(m.claim_generator_info).map(agentName).filter(Boolean)
  return info.length > 0 ? info.join(', ') : str(m.claim_generator)
}

function statusList(v: unknown): StatusEntry[] {
  return arr(v).map((s) => {
    const o = obj(s)
    return { code: str(o.code) ?? 'unknown', explanation: str(o.explanation), url: str(o.url) }
  })
}

function actionsOf(m: Json): ActionSummary[] {
  const out: ActionSummary[] = []
  for (const a of arr(m.assertions)) {
    const label = str(obj(a).label) ?? ''
    if (!/^c2pa\.actions(\.v\d+)?$/.test(label)) continue
    for (const act of arr(obj(obj(a).data).actions)) {
      const o = obj(act)
      out.push({
        action: str(o.action) ?? '?',
        description: str(o.description),
        softwareAgent: agentName(o.softwareAgent),
        digitalSourceType: str(o.digitalSourceType),
        when: str(o.when)
      })
    }
  }
  return out
}

function summarize(label: string, manifests: Json, seen: Set<string>): ManifestSummary {
  const m = obj(manifests[label])
  seen.add(label)
  const sig = obj(m.signature_info)
  return {
    label,
    title: str(m.title),
    claimGenerator: claimGenerator(m),
    signer: {
      issuer: str(sig.issuer),
      commonName: str(sig.common_name),
      algorithm: str(sig.alg),
      time: str(sig.time)
    },
    actions: actionsOf(m),
    ingredients: arr(m.ingredients).map((i) => {
      const o = obj(i)
      const childLabel = str(o.active_manifest)
      return {
        title: str(o.title),
        relationship: str(o.relationship),
        format: str(o.format),
        ...(childLabel && manifests[childLabel] && !seen.has(childLabel)
          ? { manifest: summarize(childLabel, manifests, seen) }
          : {}),
        ...(o.validation_status ? { validationStatus: statusList(o.validation_status) } : {})
      }
    })
  }
}

const UNTRUSTED = 'signingCredential.untrusted'

/** Reads the credentials embedded in `bytes` (format sniffed when not given). Never throws for "no credentials". */
export async function readCredentials(bytes: Uint8Array, mime = sniffMime(bytes)): Promise<CredentialsReport> {
  if (!mime) return { present: false, failures: [], untrusted: false, note: 'not an image format C2PA covers' }
  const c2pa = await loadC2pa()
  let reader: Awaited<ReturnType<typeof c2pa.WasmReader.fromBytes>>
  try {
    reader = await c2pa.WasmReader.fromBytes(mime, bytes)
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err)
    if (/JumbfNotFound|ManifestNotFound|no JUMBF|not found/i.test(msg)) {
      return { present: false, format: mime, failures: [], untrusted: false }
    }
    if (/UnsupportedType|unsupported/i.test(msg)) {
      return {
        present: false,
        format: mime,
        failures: [],
        untrusted: false,
        note: `C2PA reading of ${mime} is not supported here`
      }
    }
    throw new HeirloomError('DECODE_FAILED', `The Content Credentials cannot be read: ${msg.split('\n')[0]}`, {
      cause: err
    })
  }
  try {
    const store = JSON.parse(reader.json()) as Json
    const manifests = obj(store.manifests)
    const label = str(store.active_manifest)
    const statuses = statusList(store.validation_status)
    const failures = statuses.filter((s) => s.code !== UNTRUSTED)
    const state =
      (str(store.validation_state) as ValidationState | undefined) ?? (failures.length > 0 ? 'Invalid' : 'Valid')
    return {
      present: true,
      format: mime,
      state,
      failures,
      untrusted: statuses.some((s) => s.code === UNTRUSTED),
      ...(label ? { active: summarize(label, manifests, new Set()) } : {})
    }
  } finally {
    reader.free()
  }
}

/** Reads a photo file's credentials; a missing file is NOT_FOUND, a folder or unreadable file a clear error. */
export async function readCredentialsFile(path: string): Promise<CredentialsReport> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new HeirloomError('NOT_FOUND', `The file "${path}" does not exist.`)
    if (code === 'EISDIR') throw new HeirloomError('INVALID_REQUEST', `"${path}" is a folder, not a photo.`)
    throw new HeirloomError('INVALID_REQUEST', `Cannot read "${path}": ${(err as Error).message}`)
  }
  return readCredentials(bytes)
}
