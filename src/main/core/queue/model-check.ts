import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { HeirloomError } from '../errors'
import type { ModelStore } from '../models/store'

/** sha256 of a file, remembered per path + size + mtime (a worker checks the same models for every job). */
const hashes = new Map<string, string>()

export async function fileSha256(path: string): Promise<string> {
  const s = await stat(path)
  const key = `${path}\0${s.size}\0${s.mtimeMs}`
  const known = hashes.get(key)
  if (known) return known
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer)
  const hex = h.digest('hex')
  hashes.set(key, hex)
  return hex
}

/** The models a job names, with this machine's sha256 of each installed one (null when not installed here). */
export async function describeModels(
  store: ModelStore,
  ids: readonly string[]
): Promise<{ id: string; sha256: string | null }[]> {
  const out: { id: string; sha256: string | null }[] = []
  for (const id of [...new Set(ids)]) {
    store.entry(id) // unknown ids are INVALID_REQUEST here, before anything is queued
    out.push({ id, sha256: store.isInstalled(id) ? await fileSha256(store.pathFor(id)) : null })
  }
  return out
}

/**
 * A worker runs a job only with the models it was queued with: each must be installed here (no downloads on
 * workers) and, where the job pins a sha256, be that very file.
 */
export async function checkJobModels(
  store: ModelStore,
  models: readonly { id: string; sha256: string | null }[]
): Promise<void> {
  const missing = models.filter((m) => !store.isInstalled(m.id)).map((m) => m.id)
  if (missing.length > 0) {
    throw new HeirloomError(
      'MODEL_MISSING',
      `This worker lacks ${missing.join(', ')}; install ${missing.length > 1 ? 'them' : 'it'} on this machine with ` +
        missing.map((id) => `\`heirloom models import ${id} <file>\``).join(' and ') +
        '.'
    )
  }
  for (const m of models) {
    if (!m.sha256) continue
    const here = await fileSha256(store.pathFor(m.id))
    if (here !== m.sha256) {
      throw new HeirloomError(
        'MODEL_INVALID',
        `This worker's ${m.id} (sha256 ${here.slice(0, 12)}...) is not the file the job was queued with ` +
          `(${m.sha256.slice(0, 12)}...); import that file with \`heirloom models import ${m.id} <file>\`.`
      )
    }
  }
}
