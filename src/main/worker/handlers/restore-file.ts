import { restore } from '../../core/operations/restore'
import type { Handler } from './types'

/** `heirloom restore` on one file: the restore operation's file job (runFileJob 'restore' with its full report). */
export const restoreFile: Handler<'restoreFile'> = {
  queued: true,
  run: ({ input, output, choice, options: { overwrite, inputRoots, format, quality, ...options } }, ctx) =>
    restore.fileJob.run(
      ctx.state.engine,
      { input, output, overwrite, inputRoots, format, quality },
      { choice, options },
      { signal: ctx.signal, onProgress: ctx.progress }
    )
}
