import { lstat, realpath } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { HeirloomError } from '../errors'

/**
 * The one rule set every file Heirloom writes passes (photos, reports, journals, masks, settings, sheets): never
 * inside an input tree, never onto a protected original (even with overwrite), never onto an existing file unless
 * overwriting was asked for (or the file is Heirloom's own earlier journal/report). Decisions use real paths.
 */
export interface WriteGuard {
  overwrite?: boolean
  /** Folders whose trees are never written: the input folder of a batch. */
  inputRoots?: readonly string[]
  /** Files never written even with overwrite: the input photo, photos open in the app. */
  protectedPaths?: readonly string[]
  /** May this existing file be replaced without `overwrite`? (Heirloom's own earlier report or journal.) */
  replaceable?: (existing: string) => Promise<boolean>
}

/**
 * The real path `path` names: symlinks resolved in the longest existing prefix, the missing rest appended, so a path
 * that does not exist yet still compares equal to the place it will be created in.
 */
export async function canonicalPath(path: string): Promise<string> {
  let head = resolve(path)
  const rest: string[] = []
  for (;;) {
    try {
      return join(await realpath(head), ...rest)
    } catch {
      const up = dirname(head)
      if (up === head) return resolve(path)
      rest.unshift(basename(head))
      head = up
    }
  }
}

/** Is `child` the folder `parent` or inside it? (Plain strings: pass canonical paths.) */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !/^([a-zA-Z]:|[\\/])/.test(rel))
}

export interface WriteDecision {
  /** The real path that will be written. */
  target: string
  /** An existing file will be replaced (by an atomic rename). */
  replace: boolean
}

/** Checks a write against the guard; throws FORBIDDEN / OUTPUT_EXISTS / WRITE_FAILED with what is wrong. */
export async function checkWrite(path: string, guard: WriteGuard = {}): Promise<WriteDecision> {
  const target = await canonicalPath(path)
  for (const root of guard.inputRoots ?? []) {
    if (isInside(target, await canonicalPath(root))) {
      throw new HeirloomError(
        'FORBIDDEN',
        `Refusing to write "${path}": it is inside the input folder "${root}", which Heirloom never writes to.`
      )
    }
  }
  for (const p of guard.protectedPaths ?? []) {
    if ((await canonicalPath(p)) === target) {
      throw new HeirloomError('FORBIDDEN', `Refusing to overwrite the original photo "${p}"; save under another name.`)
    }
  }
  const st = await lstat(target).catch(() => undefined)
  if (!st) return { target, replace: false }
  if (st.isDirectory()) {
    throw new HeirloomError('WRITE_FAILED', `Could not write "${path}": that path is a folder.`)
  }
  if (guard.overwrite) return { target, replace: true }
  if (st.isFile() && guard.replaceable && (await guard.replaceable(target).catch(() => false))) {
    return { target, replace: true }
  }
  throw new HeirloomError('OUTPUT_EXISTS', `"${path}" already exists.`)
}
