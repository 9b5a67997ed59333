import { readFileSync } from 'node:fs'
import { isAbsolute, normalize } from 'node:path'
import { writeFileAtomic } from '../io/write-atomic'

/**
 * `<model>.sha256`: one `sha256sum`-compatible line per file (the model, then its external-data files), so users can
 * check them with standard tools and `models verify` re-hashes every one.
 */
export type HashList = { sha256: string; file: string }[]

/** A name inside the model's folder: relative, no `..`, no NUL (a hand-edited list must not reach other files). */
export function isInsideName(name: string): boolean {
  if (name.includes('\0') || isAbsolute(name) || /^[a-zA-Z]:/.test(name)) return false
  return !normalize(name)
    .split(/[\\/]/)
    .some((part) => part === '..')
}

export function readHashList(path: string): HashList {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => /^([0-9a-f]{64}) [ *](.+)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ sha256: m[1], file: m[2] }))
      .filter((h) => isInsideName(h.file))
  } catch {
    return []
  }
}

export async function writeHashList(path: string, list: HashList): Promise<void> {
  await writeFileAtomic(path, list.map((h) => `${h.sha256}  ${h.file}\n`).join(''), { overwrite: true })
}
