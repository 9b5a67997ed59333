import { randomBytes } from 'node:crypto'
import type { Dirent } from 'node:fs'
import { link, open, readdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { HeirloomError } from '../errors'
import { checkWrite, type WriteGuard } from './output-guard'

/**
 * The one atomic writer (photos, journals, reports, settings, the models registry). Hand-written rather than
 * write-file-atomic because it must also refuse to replace: a hard link publishes the temp file only where no file
 * is, so two writers never clobber each other, and the guard (input folder, original photo) runs first.
 */

/** Every write takes the guard's rules (see core/io/output-guard.ts). */
export type WriteOptions = WriteGuard

function writeFailed(path: string, err: unknown): HeirloomError {
  const code = (err as { code?: string })?.code
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exceeded',
    EROFS: 'the disk is read-only',
    ENOENT: 'the folder does not exist',
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'the path is a folder'
  }
  const reason = (code && why[code]) ?? (err instanceof Error ? err.message.split('\n')[0] : String(err))
  return new HeirloomError('WRITE_FAILED', `Could not write "${path}": ${reason}.`, { cause: err })
}

/**
 * Writes via a temp file in the same folder, fsync, then an atomic rename (or link, which refuses to replace an
 * existing file when overwrite is off): the final path only ever holds a complete file. The temp file is removed on
 * any failure.
 */
export async function writeFileAtomic(
  path: string,
  data: Buffer | Uint8Array | string,
  opts: WriteOptions = {}
): Promise<void> {
  const target = resolve(path)
  const { replace } = await checkWrite(path, opts)
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  let created = false
  try {
    const fh = await open(tmp, 'wx')
    created = true
    try {
      await fh.writeFile(data)
      await fh.sync()
    } finally {
      await fh.close()
    }
    if (replace) {
      await rename(tmp, target)
    } else {
      try {
        await link(tmp, target)
      } catch (err) {
        const code = (err as { code?: string }).code
        if (code === 'EEXIST') throw err
        // Filesystems without hard links (FAT, some network shares): the existence check above has to do.
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err
        await rename(tmp, target)
      }
      await rm(tmp, { force: true })
    }
    created = false
  } catch (err) {
    if (created) await rm(tmp, { force: true }).catch(() => undefined)
    // link() lost a race with another writer: still no clobbering.
    if ((err as { code?: string }).code === 'EEXIST' && !replace) {
      throw new HeirloomError('OUTPUT_EXISTS', `"${path}" already exists.`)
    }
    throw writeFailed(path, err)
  }
}

/** Temp names writeFileAtomic uses: `.<name>.<pid>.<8 hex>.tmp`. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but is someone else's.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Deletes temp files left by a writeFileAtomic whose process died (e.g. SIGKILL mid-write). A live writer's temp
 * file is left alone. Returns the paths removed.
 */
export async function removeStaleTempFiles(dir: string, opts: { recursive?: boolean } = {}): Promise<string[]> {
  const removed: string[] = []
  let entries: Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return removed
  }
  for (const e of entries) {
    const path = join(dir, e.name)
    if (e.isDirectory() && opts.recursive) removed.push(...(await removeStaleTempFiles(path, opts)))
    const m = e.isFile() ? TEMP_NAME.exec(e.name) : null
    if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) {
      await rm(path, { force: true })
      removed.push(path)
    }
  }
  return removed
}
