import { restore } from '../../core/operations/restore'
import type { Handler } from './types'

/** `heirloom restore` on one file, through the restore operation's file job. */
export const restoreFile: Handler<'restoreFile'> = {
  queued: true,
  run: (p, { state, signal, progress }) =>
    restore.fileJob(state.engine, p.input, p.output, p.choice, { ...p.options, signal, onProgress: progress })
}
