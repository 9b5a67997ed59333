import { color } from '../../core/operations/color'
import type { Handler } from './types'

/** The colour edit on one file (a batch's photo), through the colour operation's file job. */
export const colorFile: Handler<'colorFile'> = {
  queued: true,
  run: (p, { state, signal }) =>
    color.fileJob(
      () => state.engine,
      p.input,
      p.output,
      { ...p.params, signal },
      {
        overwrite: p.overwrite === true,
        ...(p.quality !== undefined ? { quality: p.quality } : {}),
        ...(p.inputRoots ? { inputRoots: p.inputRoots } : {})
      }
    )
}
