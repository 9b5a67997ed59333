import { crop } from '../../core/operations/crop'
import type { Handler } from './types'

/** Batch "detect and crop" of one file, through the crop operation's file job. */
export const cropFile: Handler<'cropFile'> = {
  queued: true,
  run: (p, { state, signal, progress }) =>
    crop.fileJob(
      state.engine,
      p.input,
      { inDir: p.inDir, outDir: p.outDir, ext: p.ext },
      { aspect: p.aspect },
      { signal, onProgress: progress }
    )
}
