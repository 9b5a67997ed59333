import { color } from '../../core/operations/color'
import type { Handler } from './types'

/** The colour edit on one file with its full report (runFileJob 'color' answers only what a batch records). */
export const colorFile: Handler<'colorFile'> = {
  queued: true,
  run: ({ input, output, params, overwrite, quality, inputRoots }, ctx) =>
    color.fileJob.run(ctx.state.engine, { input, output, overwrite, quality, inputRoots }, params, {
      signal: ctx.signal,
      onProgress: ctx.progress
    })
}
