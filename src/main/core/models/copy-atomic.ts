import { randomBytes } from 'node:crypto'
import { copyFile, rename, rm } from 'node:fs/promises'
import { basename } from 'node:path'
import { HeirloomError } from '../errors'

/**
 * Copy beside the destination then rename, so a half-copied model never sits at the final name. The temporary name
 * is unique per call, so two imports at once never write into each other's copy.
 */
export async function copyAtomic(src: string, dest: string): Promise<void> {
  const tmp = `${dest}.${process.pid}-${randomBytes(4).toString('hex')}.importing`
  try {
    await copyFile(src, tmp)
    await rename(tmp, dest)
  } catch (err) {
    await rm(tmp, { force: true })
    throw new HeirloomError(
      'WRITE_FAILED',
      `Cannot copy ${basename(src)} into the models folder: ${(err as Error).message}`
    )
  }
}
