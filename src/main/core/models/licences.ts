import { readFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../io/write-atomic'

/** Non-commercial licences the user accepted, per models folder (`licences.json`: id -> when). */
const FILE = 'licences.json'

export function acceptedLicences(dir: string): Record<string, string> {
  try {
    const raw = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as { accepted?: Record<string, string> }
    return raw.accepted && typeof raw.accepted === 'object' ? raw.accepted : {}
  } catch {
    return {}
  }
}

export function licenceAccepted(dir: string, id: string): boolean {
  return typeof acceptedLicences(dir)[id] === 'string'
}

export async function acceptLicence(dir: string, ...ids: string[]): Promise<void> {
  const accepted = acceptedLicences(dir)
  const fresh = ids.filter((id) => !accepted[id])
  if (fresh.length === 0) return
  const now = new Date().toISOString()
  for (const id of fresh) accepted[id] = now
  await mkdir(dir, { recursive: true })
  await writeFileAtomic(join(dir, FILE), `${JSON.stringify({ version: 1, accepted }, null, 2)}\n`, { overwrite: true })
}
