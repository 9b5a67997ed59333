import { resolve } from 'node:path'
import type { Command } from 'commander'
import { HeirloomError } from '../../core/errors'
import { decodePhoto } from '../../core/image/decode'
import { cropFace, parseAspect, saveCrop, type CropOptions } from '../../core/stages/crop'
import { detectFaces } from '../../core/stages/detect'
import type { CliContext } from '../context'
import { addDetectOptions, detectOptionsFromFlags, parseInteger, parseNumber, type DetectFlags } from './detect'

interface CropFlags extends DetectFlags {
  out: string
  face?: string
  size?: string
  aligned?: boolean
  aspect?: string
  margin?: string
  quality?: string
  overwrite?: boolean
}

export function registerCropCommand(program: Command, ctx: CliContext): void {
  addDetectOptions(
    program
      .command('crop')
      .description('write a crop of one face: FFHQ-aligned (default) or a plain crop at an aspect ratio')
      .argument('<image>', 'photo file')
      .requiredOption('--out <file>', 'output file (.png, .jpg, .tif, .webp)')
      .option('--face <n>', 'the one face to crop: its index, left to right (default 0)')
      .option('--size <px>', 'aligned: crop side (256, 512, 1024...); plain: long side (default 512)')
      .option('--aligned', 'FFHQ-aligned square crop (default)')
      .option('--aspect <ratio>', 'plain crop: 1:1, 4:5, 3:4, passport or W:H')
      .option('--margin <m>', 'plain crop: margin around the face box, times its size (default 0.4)')
      .option('--quality <q>', 'JPEG/WebP quality 1..100')
      .option('--overwrite', 'replace the output file if it exists')
  ).action(async (image: string, flags: CropFlags) => {
    if (flags.aligned && (flags.aspect !== undefined || flags.margin !== undefined)) {
      throw new HeirloomError('INVALID_REQUEST', '--aligned cannot be combined with --aspect or --margin.')
    }
    const index = parseInteger(flags.face, '--face', 0, 10000) ?? 0
    const size = parseInteger(flags.size, '--size', 16, 8192) ?? 512
    const plain = flags.aspect !== undefined || flags.margin !== undefined
    if (flags.aspect !== undefined) parseAspect(flags.aspect)
    const opts: CropOptions = plain
      ? {
          mode: 'aspect',
          aspect: flags.aspect ?? '1:1',
          margin: parseNumber(flags.margin, '--margin', 0, 10) ?? 0.4,
          size
        }
      : { mode: 'aligned', size, template: 'ffhq_512' }

    const photo = await decodePhoto(image)
    photo.sourcePath ??= resolve(image)
    const res = await detectFaces(ctx.engine(), photo.image, detectOptionsFromFlags(flags))
    if (res.faces.length === 0) throw new HeirloomError('NO_FACE', `No face found in ${image}.`)
    const face = res.faces[index]
    if (!face) {
      throw new HeirloomError(
        'INVALID_REQUEST',
        `--face ${index} is out of range: ${res.faces.length} face(s) found (0..${res.faces.length - 1}).`
      )
    }
    const crop = cropFace(photo.image, face, opts)
    await saveCrop(flags.out, crop.image, {
      source: photo,
      operation: { op: 'crop', model: res.detector, params: { face: index, ...opts } },
      quality: parseInteger(flags.quality, '--quality', 1, 100),
      overwrite: flags.overwrite === true
    })
    if (ctx.globals().json) {
      ctx.out(
        JSON.stringify({
          out: flags.out,
          face: index,
          width: crop.image.width,
          height: crop.image.height,
          box: face.box
        })
      )
    } else {
      ctx.out(`wrote ${flags.out} (${crop.image.width}x${crop.image.height}, face ${index} of ${res.faces.length})`)
    }
  })
}
