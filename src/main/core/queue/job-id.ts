import { createHash } from 'node:crypto'
import type { QueueJobData } from './job-data'

/** Same photo + same recipe + same output folder = same job id, so adding a folder again adds nothing twice. */
export function queueJobId(data: QueueJobData): string {
  const { inputRoot, file, ...recipe } = data
  return createHash('sha256')
    .update(`${inputRoot}/${file}\n${JSON.stringify(recipe)}`)
    .digest('hex')
    .slice(0, 40)
}
