import { readFileSync } from 'node:fs'
import { type Manifest, type ManifestEntry, manifestSchema } from '../../../shared/model-manifest'
import { HeirloomError } from '../errors'
// Bundled at build time, so the app and the CLI need no file lookup for the built-in catalogue.
import builtinManifest from '../../../../models/manifest.json'

function validate(raw: unknown, source: string): Manifest {
  const parsed = manifestSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'
    throw new HeirloomError('INVALID_REQUEST', `Model manifest ${source} is invalid (${where})`)
  }
  const seen = new Set<string>()
  for (const m of parsed.data.models) {
    if (seen.has(m.id)) throw new HeirloomError('INVALID_REQUEST', `Model manifest ${source} lists "${m.id}" twice`)
    seen.add(m.id)
  }
  return parsed.data
}

/** The built-in manifest (models/manifest.json), or a manifest file given by path; validated with zod. */
export function loadManifest(path?: string): Manifest {
  if (path === undefined) return validate(builtinManifest, 'models/manifest.json')
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new HeirloomError('INVALID_REQUEST', `Cannot read model manifest ${path}: ${(err as Error).message}`)
  }
  return validate(raw, path)
}

export function findEntry(manifest: Manifest, id: string): ManifestEntry | undefined {
  return manifest.models.find((m) => m.id === id)
}

/** Like findEntry, but an unknown id is an INVALID_REQUEST listing the known ids. */
export function requireEntry(manifest: Manifest, id: string): ManifestEntry {
  const entry = findEntry(manifest, id)
  if (!entry) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Unknown model "${id}". Known models: ${manifest.models.map((m) => m.id).join(', ')}`
    )
  }
  return entry
}

/** The manifest's default model of a kind (first entry marked default, else the first of that kind). */
export function defaultEntry(manifest: Manifest, kind: ManifestEntry['kind']): ManifestEntry | undefined {
  const ofKind = manifest.models.filter((m) => m.kind === kind)
  return ofKind.find((m) => m.default) ?? ofKind[0]
}
