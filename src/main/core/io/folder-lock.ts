import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { HeirloomError } from '../errors'

export const FOLDER_LOCK_NAME = '.heirloom-batch.lock'
const OWNER = 'owner.json'
/** A lock whose owner we cannot check (another machine, or no owner file yet) is stale after this long unrefreshed. */
const STALE_MS = 60_000
const REFRESH_MS = 10_000

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** May an existing lock be taken over? Its owner died on this machine, or it has not been refreshed for a minute. */
async function isStale(lockDir: string): Promise<boolean> {
  const owner = await readFile(join(lockDir, OWNER), 'utf8')
    .then((t) => JSON.parse(t) as { pid?: number; host?: string })
    .catch(() => undefined)
  if (owner && owner.host === hostname() && typeof owner.pid === 'number' && owner.pid !== process.pid) {
    return !alive(owner.pid)
  }
  const st = await stat(join(lockDir, owner ? OWNER : '.')).catch(() => undefined)
  return st !== undefined && Date.now() - st.mtimeMs > STALE_MS && owner?.pid !== process.pid
}

/**
 * Takes the output folder for one batch: an atomic mkdir of `.heirloom-batch.lock` with the owner's pid and host,
 * refreshed while it runs. A second batch on the folder (this process or another) gets BUSY; a lock left by a killed
 * process on this machine is taken over at once. Hand-written: proper-lockfile's exit hook (signal-exit) re-raises
 * SIGINT and would turn the CLI's clean Ctrl-C into a kill.
 */
export async function lockOutputFolder(folder: string): Promise<() => Promise<void>> {
  const lockDir = join(folder, FOLDER_LOCK_NAME)
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(lockDir)
      break
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err
      if (attempt === 0 && (await isStale(lockDir))) {
        await rm(lockDir, { recursive: true, force: true })
        continue
      }
      throw new HeirloomError(
        'BUSY',
        `The output folder "${folder}" is in use by another Heirloom batch; wait for it to finish or choose another folder.`
      )
    }
  }
  const ownerFile = join(lockDir, OWNER)
  await writeFile(ownerFile, JSON.stringify({ pid: process.pid, host: hostname() }))
  const refresh = setInterval(() => {
    const now = new Date()
    utimes(ownerFile, now, now).catch(() => undefined)
  }, REFRESH_MS)
  refresh.unref()
  return async () => {
    clearInterval(refresh)
    await rm(lockDir, { recursive: true, force: true })
  }
}
