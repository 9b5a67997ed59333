import { readFileSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { HeirloomError } from '../errors'

export const FOLDER_LOCK_NAME = '.heirloom-batch.lock'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The lock's owner died on this machine (SIGKILL, power cut): its lock may be taken over at once. */
function ownerIsDead(ownerFile: string): boolean {
  try {
    const o = JSON.parse(readFileSync(ownerFile, 'utf8')) as { pid?: number; host?: string }
    return typeof o.pid === 'number' && o.host === hostname() && o.pid !== process.pid && !alive(o.pid)
  } catch {
    return false
  }
}

/**
 * Takes the output folder for one batch (proper-lockfile: an atomic mkdir kept fresh, stale after 10 s); a second
 * batch on the same folder, from this or another process, gets BUSY. Returns the release function.
 */
export async function lockOutputFolder(folder: string): Promise<() => Promise<void>> {
  const lockDir = join(folder, FOLDER_LOCK_NAME)
  // Beside the lock, not in it: proper-lockfile removes its lock folder with rmdir.
  const ownerFile = `${lockDir}.owner`
  const opts = {
    lockfilePath: lockDir,
    realpath: false,
    stale: 10_000,
    // A lost lock (the machine slept past the stale time) must not crash the process; the batch just goes on.
    onCompromised: () => undefined
  }
  // Loaded on first use, not at CLI start-up.
  const lockfile = (await import('proper-lockfile')).default
  let release: () => Promise<void>
  try {
    release = await lockfile.lock(folder, opts)
  } catch (err) {
    if ((err as { code?: string }).code !== 'ELOCKED') throw err
    if (!ownerIsDead(ownerFile)) {
      throw new HeirloomError(
        'BUSY',
        `The output folder "${folder}" is in use by another Heirloom batch; wait for it to finish or choose another folder.`
      )
    }
    await rm(lockDir, { recursive: true, force: true })
    release = await lockfile.lock(folder, opts)
  }
  writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, host: hostname() }))
  return async () => {
    await rm(ownerFile, { force: true })
    await release().catch(() => undefined)
  }
}
