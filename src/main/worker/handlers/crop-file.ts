import { join } from 'node:path'
import { crop } from '../../core/operations/crop'
import type { Handler } from './types'

/** Batch "detect and crop" of one file in the crop's own terms (runFileJob 'crop' with folders and extension). */
export const cropFile: Handler<'cropFile'> = {
  queued: true,
  run: (p, ctx) =>
    crop.fileJob.run(
      ctx.state.engine,
      // The output stands for the photo: only its extension matters; each face is named after the input.
      { input: p.input, output: join(p.outDir, `photo${p.ext}`), inputDir: p.inDir, outputDir: p.outDir },
      { aspect: p.aspect },
      { signal: ctx.signal, onProgress: ctx.progress }
    )
}
