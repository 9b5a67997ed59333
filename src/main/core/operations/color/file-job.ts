import { APP_VERSION } from '../../../../shared/version'
import type { Engine } from '../../engine'
import { decodePhoto } from '../../image/decode'
import { savePhoto } from '../../image/write'
import { colorPhoto, type ColorPhotoOptions, type ColorPhotoReport } from '../../stages/color'

export interface ColorFileWrite {
  overwrite: boolean
  quality?: number
  /** Folders never written into (a batch's input folder). */
  inputRoots?: string[]
}

/**
 * The colour edit on one file (`heirloom color`, its folders, and batch): decode -> fade/colourise -> write with the
 * provenance note; the original is protected from being written over. `engine` is asked for only to colourise.
 */
export async function colorFileJob(
  engine: () => Pick<Engine, 'openModel'>,
  input: string,
  output: string,
  opts: ColorPhotoOptions,
  write: ColorFileWrite
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
