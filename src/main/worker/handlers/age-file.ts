import { age } from '../../core/operations/age'
import type { Handler } from './types'

/** `heirloom age` on one file: the age operation's file job (runFileJob 'age' with its full report). */
export const ageFile: Handler<'ageFile'> = {
  queued: true,
  run: ({ input, output, spec, options: { overwrite, inputRoots, format, quality, ...options } }, ctx) =>
    age.fileJob.run(
      ctx.state.engine,
      { input, output, overwrite, inputRoots, format, quality },
      { spec, options },
      { signal: ctx.signal, onProgress: ctx.progress }
    )
}
