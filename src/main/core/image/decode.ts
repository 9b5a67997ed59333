import { stat } from 'node:fs/promises'
import sharp, { type Metadata, type OutputInfo } from 'sharp'
import { HeirloomError } from '../errors'
import { isGrayscaleImage } from './gray'
import { pngHeaderSize } from './png-header'
import { checkPhotoFormat } from './photo-format'
import { MAX_XMP_BYTES } from './xmp-packet'
import type { DecodedPhoto, ImageFormat, PhotoMetadata } from './types'

/** Largest photo decoded by default (100 MP, about 300 MB as RGB). */
export const DEFAULT_MAX_PIXELS = 100_000_000

export type PhotoInput = string | Buffer

export interface DecodeOptions {
  maxPixels?: number
}

export interface PhotoProbe {
  /** Oriented (EXIF applied) size. */
  width: number
  height: number
  format: ImageFormat
  orientation?: number
}

const KNOWN_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'tiff', 'webp', 'gif', 'avif', 'heif']

function toFormat(f: string | undefined): ImageFormat {
  return (KNOWN_FORMATS as readonly string[]).includes(f ?? '') ? (f as ImageFormat) : 'other'
}

function label(input: PhotoInput): string {
  return typeof input === 'string' ? `"${input}"` : 'the image data'
}

/** Maps sharp/libvips and fs failures to one clear HeirloomError. */
export function decodeError(err: unknown, input: PhotoInput): HeirloomError {
  if (err instanceof HeirloomError) return err
  const e = err as { code?: string; message?: string }
  const msg = String(e?.message ?? err)
  if (e?.code === 'ENOENT' || /input file is missing/i.test(msg)) {
    return new HeirloomError('NOT_FOUND', `Photo not found: ${label(input)}.`, { cause: err })
  }
  if (/unsupported image format|bad seek|not a known file format/i.test(msg)) {
    return new HeirloomError('UNSUPPORTED', `${label(input)} is not an image format Heirloom can read.`, { cause: err })
  }
  if (/exceeds pixel limit/i.test(msg)) {
    return new HeirloomError('TOO_LARGE', `${label(input)} has more pixels than allowed.`, { cause: err })
  }
  return new HeirloomError('DECODE_FAILED', `Could not decode ${label(input)}: ${msg.split('\n')[0]}`, { cause: err })
}

async function checkInput(input: PhotoInput): Promise<void> {
  if (typeof input !== 'string') {
    if (input.length === 0) throw new HeirloomError('DECODE_FAILED', 'The image data is empty (0 bytes).')
    return
  }
  let info
  try {
    info = await stat(input)
  } catch (err) {
    throw decodeError(err, input)
  }
  if (!info.isFile()) throw new HeirloomError('UNSUPPORTED', `${label(input)} is not a file.`)
  if (info.size === 0) throw new HeirloomError('DECODE_FAILED', `${label(input)} is empty (0 bytes).`)
}

/** Multi-page TIFF, animated GIF/WebP, HEIF collections: editing one page would silently drop the others. */
function refuseMultiPage(input: PhotoInput, meta: Metadata): void {
  const pages = meta.pages ?? 1
  if (pages > 1) {
    const what = meta.format === 'tiff' ? 'pages' : meta.format === 'heif' ? 'images' : 'frames (it is animated)'
    throw new HeirloomError(
      'UNSUPPORTED',
      `${label(input)} has ${pages} ${what}; Heirloom edits single-image files and will not drop the others silently. Save the ${meta.format === 'tiff' ? 'page' : 'frame'} you want as its own file first.`
    )
  }
}

/** Header only: no pixel is decoded, so huge or hostile files are rejected cheaply. */
async function readHeader(input: PhotoInput, maxPixels = Infinity): Promise<Metadata> {
  await checkInput(input)
  // The format is decided from the file's own first bytes and its name, before any decoder runs.
  await checkPhotoFormat(input, label(input)).catch((err: unknown) => {
    throw decodeError(err, input)
  })
  let meta: Metadata
  try {
    meta = await sharp(input, { limitInputPixels: false, failOn: 'none' }).metadata()
  } catch (err) {
    const png = await pngHeaderSize(input).catch(() => undefined)
    if (png && png.width * png.height > maxPixels) throw tooLarge(input, png.width, png.height, maxPixels)
    throw decodeError(err, input)
  }
  refuseMultiPage(input, meta)
  return meta
}

function tooLarge(input: PhotoInput, width: number, height: number, maxPixels: number): HeirloomError {
  const mp = (n: number): string => (n / 1e6).toFixed(n >= 1e7 ? 0 : 1)
  return new HeirloomError(
    'TOO_LARGE',
    `${label(input)} is ${width}x${height} (${mp(width * height)} MP); the limit is ${mp(maxPixels)} MP.`
  )
}

function orientedSize(meta: Metadata): { width: number; height: number } {
  if (meta.autoOrient) return { width: meta.autoOrient.width, height: meta.autoOrient.height }
  const swap = (meta.orientation ?? 1) >= 5
  return swap ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height }
}

/** Oriented size and format from the header alone. */
export async function probePhoto(input: PhotoInput): Promise<PhotoProbe> {
  const meta = await readHeader(input)
  if (!(meta.width > 0 && meta.height > 0)) {
    throw new HeirloomError('DECODE_FAILED', `${label(input)} has no valid image size in its header.`)
  }
  const { width, height } = orientedSize(meta)
  const probe: PhotoProbe = { width, height, format: toFormat(meta.format) }
  if (meta.orientation !== undefined) probe.orientation = meta.orientation
  return probe
}

function bitDepthOf(depth: string | undefined): number {
  switch (depth) {
    case 'ushort':
    case 'short':
      return 16
    case 'uint':
    case 'int':
    case 'float':
      return 32
    case 'double':
      return 64
    default:
      return 8
  }
}

/**
 * Decodes a photo to oriented 8-bit sRGB RGB. The EXIF orientation is applied here and nowhere else; embedded ICC
 * profiles and CMYK are converted to sRGB by libvips; alpha is split off; raw EXIF/ICC/XMP are kept for export.
 */
export async function decodePhoto(input: PhotoInput, opts: DecodeOptions = {}): Promise<DecodedPhoto> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS
  const meta = await readHeader(input, maxPixels)
  if (!(meta.width > 0 && meta.height > 0)) {
    throw new HeirloomError('DECODE_FAILED', `${label(input)} has no valid image size in its header.`)
  }
  if (meta.width * meta.height > maxPixels) throw tooLarge(input, meta.width, meta.height, maxPixels)
  let raw: { data: Buffer; info: OutputInfo }
  try {
    raw = await sharp(input, {
      // Fail on truncated data instead of returning a half-grey image; tolerate harmless warnings.
      failOn: 'truncated',
      limitInputPixels: Number.isFinite(maxPixels) ? Math.max(1, Math.floor(maxPixels)) : false,
      autoOrient: true
    })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
  } catch (err) {
    throw decodeError(err, input)
  }
  const { data, info } = raw
  const n = info.width * info.height
  let rgb: Uint8Array
  let alpha: Uint8Array | undefined
  if (info.channels === 3) {
    rgb = new Uint8Array(data.buffer, data.byteOffset, n * 3)
  } else if (info.channels === 4) {
    rgb = new Uint8Array(n * 3)
    alpha = new Uint8Array(n)
    for (let i = 0, j = 0; i < n; i++, j += 4) {
      rgb[i * 3] = data[j]!
      rgb[i * 3 + 1] = data[j + 1]!
      rgb[i * 3 + 2] = data[j + 2]!
      alpha[i] = data[j + 3]!
    }
  } else {
    throw new HeirloomError('UNSUPPORTED', `${label(input)} decoded to ${info.channels} channels, expected RGB.`)
  }
  const image = { width: info.width, height: info.height, data: rgb }
  const sourceGray = meta.channels <= 2 || meta.space === 'b-w' || meta.space === 'grey16'
  const metadata: PhotoMetadata = {}
  if (meta.exif) metadata.exif = meta.exif
  if (meta.icc) metadata.icc = meta.icc
  const notes: string[] = []
  if (meta.xmp && meta.xmp.length > MAX_XMP_BYTES) {
    notes.push(
      `metadata too large: the photo's XMP packet (${(meta.xmp.length / 1e6).toFixed(1)} MB) is over the ${MAX_XMP_BYTES / 1e6} MB limit and was dropped; EXIF and the colour profile were kept`
    )
  } else if (meta.xmp) metadata.xmp = meta.xmp
  if (meta.orientation !== undefined) metadata.orientation = meta.orientation
  if (meta.density !== undefined) metadata.density = meta.density
  const photo: DecodedPhoto = {
    image,
    grayscale: sourceGray || isGrayscaleImage(image),
    format: toFormat(meta.format),
    bitDepth: bitDepthOf(meta.depth),
    metadata
  }
  if (alpha) photo.alpha = alpha
  if (notes.length > 0) photo.notes = notes
  if (typeof input === 'string') photo.sourcePath = input
  return photo
}
