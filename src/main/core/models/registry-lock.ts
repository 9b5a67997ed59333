import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { HeirloomError } from '../errors'

/**
 * Runs `fn` holding the models folder's registry lock (proper-lockfile: an mkdir lock with stale detection), so two
 * processes importing or removing custom models at once never lose each other's registry entries.
 */
export async function withRegistryLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true })
  let release: () => Promise<void>
  try {
    // Loaded on first use: most commands never touch the registry.
    const { default: lockfile } = await import('proper-lockfile')
    release = await lockfile.lock(dir, {
      lockfilePath: join(dir, 'custom.json.lock'),
      realpath: false,
      stale: 30_000,
      retries: { retries: 200, minTimeout: 25, maxTimeout: 500, factor: 1.5 }
    })
  } catch (err) {
    throw new HeirloomError(
      'BUSY',
      `The models folder ${dir} is being changed by another Heirloom (${(err as Error).message}); try again.`
    )
  }
  try {
    return await fn()
  } finally {
    await release().catch(() => undefined)
  }
}
