import { z } from 'zod'
import { APP_VERSION } from '../../../../shared/version'
import type { Engine } from '../../engine'
import { decodePhoto } from '../../image/decode'
import { savePhoto } from '../../image/write'
import { colorStepSchema } from '../../pipeline/recipe-steps'
import { colorPhoto, type ColorPhotoOptions, type ColorPhotoReport } from '../../stages/color'
import { defineFileJob } from '../types'

/**
 * Params of the colour file job: the recipe's colour step (the CLI's colour flags, a batch's colour settings);
 * `fade` defaults to 'auto' as in colorPhoto.
 */
export const colorFileParams = colorStepSchema.omit({ op: true }).extend({ fade: z.enum(['auto', 'none']).optional() })

/**
 * The colour edit on one file: decode -> fade/colourise -> write with the provenance note; the original is protected
 * from being written over. The engine is only asked for (opened lazily by the CLI) to colourise.
 */
async function colorFile(
  engine: () => Pick<Engine, 'openModel'>,
  input: string,
  output: string,
  opts: ColorPhotoOptions,
  write: { overwrite: boolean; quality?: number; inputRoots?: string[] }
): Promise<ColorPhotoReport> {
  const photo = await decodePhoto(input)
  const needsEngine = opts.colorizerFile !== undefined || (opts.colorize ?? 'none') !== 'none'
  const { image, report } = await colorPhoto(needsEngine ? engine() : undefined, photo.image, photo.grayscale, opts)
  await savePhoto(output, image, {
    quality: write.quality,
    grayscale: report.grayscale,
    alpha: photo.alpha,
    metadata: photo.metadata,
    keepMetadata: true,
    provenance: { software: `Heirloom ${APP_VERSION}`, operations: report.operations },
    overwrite: write.overwrite,
    protectedPaths: [input],
    ...(write.inputRoots ? { inputRoots: write.inputRoots } : {})
  })
  return report
}

/** `heirloom color`, its folders, and batch: the colour operation's whole-file job. */
export const colorFileJob = defineFileJob({
  params: colorFileParams,
  run: (engine, io, params, ctx) =>
    colorFile(
      () => engine,
      io.input,
      io.output,
      { ...params, signal: ctx.signal },
      {
        overwrite: io.overwrite === true,
        ...(io.quality !== undefined ? { quality: io.quality } : {}),
        ...(io.inputRoots ? { inputRoots: io.inputRoots } : {})
      }
    ),
  // A per-photo edit: no faces to count.
  summary: (_report: ColorPhotoReport) => ({ faces: 0 })
})
