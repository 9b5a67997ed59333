import type { ManifestEntry } from '../../../shared/model-manifest'

/**
 * What proves a model file is the publisher's: a SHA-256 pinned in the manifest, the publisher's own CRC32 (a
 * transfer check, fetched from the publisher, never from a mirror), or only the SHA-256 recorded on first download
 * (later changes are caught by `models verify`, the first copy is trusted). Custom imports are checked by nobody.
 */
export type CheckKind = 'sha256-pinned' | 'publisher-crc32' | 'recorded-on-first-download' | 'none (imported by you)'

export function checkOf(entry: Pick<ManifestEntry, 'sha256' | 'publisherHash'>): CheckKind {
  if (entry.sha256) return 'sha256-pinned'
  if (entry.publisherHash) return 'publisher-crc32'
  return 'recorded-on-first-download'
}

/** Short words for tables (`models list`, the README's table). */
export const CHECK_LABELS: Record<CheckKind, string> = {
  'sha256-pinned': 'sha256 pinned',
  'publisher-crc32': 'publisher CRC32',
  'recorded-on-first-download': 'recorded on first download',
  'none (imported by you)': 'none (your file)'
}
