import { open } from 'node:fs/promises'
import { extname } from 'node:path'
import sharp, { type FormatEnum } from 'sharp'
import { HeirloomError } from '../errors'

/** Raster formats a photo may be in. Anything else (SVG, PDF, RAW, FITS...) is refused before libvips sees it. */
export type PhotoFormat = 'jpeg' | 'png' | 'tiff' | 'webp' | 'gif' | 'heif'

const NAMES: Record<PhotoFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  tiff: 'TIFF',
  webp: 'WebP',
  gif: 'GIF',
  heif: 'HEIF/AVIF'
}

/** What a file's name says it is. */
const BY_EXTENSION: Record<string, PhotoFormat> = {
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.jpe': 'jpeg',
  '.jfif': 'jpeg',
  '.png': 'png',
  '.tif': 'tiff',
  '.tiff': 'tiff',
  '.webp': 'webp',
  '.gif': 'gif',
  '.heic': 'heif',
  '.heif': 'heif',
  '.avif': 'heif'
}

/** sharp's name for each photo format (its `sharp.format` key). */
const SHARP_FORMAT: Record<PhotoFormat, keyof FormatEnum> = {
  jpeg: 'jpeg',
  png: 'png',
  tiff: 'tiff',
  webp: 'webp',
  gif: 'gif',
  heif: 'heif'
}

/**
 * The file extensions a photo is really read from on this build of sharp: those this module accepts, kept only when
 * libvips loads that suffix from a file (the prebuilt libvips reads AVIF but not HEIC, so .heic/.heif drop out).
 */
export function readablePhotoExtensions(): string[] {
  return Object.entries(BY_EXTENSION)
    .filter(([ext, fmt]) => {
      const input = sharp.format[SHARP_FORMAT[fmt]]?.input as { file?: boolean; fileSuffix?: string[] } | undefined
      return input?.file === true && (input.fileSuffix ?? []).includes(ext)
    })
    .map(([ext]) => ext)
    .sort()
}

/**
 * libvips loaders that can read other files (SVG and PDF pull in linked images and fonts; ImageMagick delegates to
 * dozens of coders) or that no photo needs. Blocked process-wide as a second line behind the magic-byte check.
 */
const UNTRUSTED_LOADERS = [
  'VipsForeignLoadSvg',
  'VipsForeignLoadPdf',
  'VipsForeignLoadMagick',
  'VipsForeignLoadMagick7',
  'VipsForeignLoadOpenslide',
  'VipsForeignLoadFits',
  'VipsForeignLoadMat',
  'VipsForeignLoadMatrix',
  'VipsForeignLoadCsv',
  'VipsForeignLoadVips',
  'VipsForeignLoadAnalyze',
  'VipsForeignLoadRaw',
  'VipsForeignLoadRad',
  'VipsForeignLoadPpm',
  'VipsForeignLoadDcRaw'
]
sharp.block({ operation: UNTRUSTED_LOADERS })

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis'])

/** The format from the first bytes, 'markup' for SVG/XML/HTML, undefined for anything else. */
export function sniffFormat(head: Buffer): PhotoFormat | 'markup' | undefined {
  const at = (s: string, o = 0): boolean => head.toString('latin1', o, o + s.length) === s
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg'
  if (at('\x89PNG\r\n\x1a\n')) return 'png'
  if (at('II*\0') || at('MM\0*') || at('II+\0') || at('MM\0+')) return 'tiff'
  if (at('RIFF') && at('WEBP', 8)) return 'webp'
  if (at('GIF87a') || at('GIF89a')) return 'gif'
  if (at('ftyp', 4) && HEIF_BRANDS.has(head.toString('latin1', 8, 12))) return 'heif'
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase()
  if (text.startsWith('<')) return 'markup'
  return undefined
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.alloc(64)
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

/**
 * Decides the one format a photo is read as, before any decoder runs: its first bytes must be a raster photo format,
 * and for a file they must agree with what its name says (a PNG named .jpg is refused with what it really is rather
 * than silently read as something else). SVG and other markup is refused outright: it can pull in other files.
 */
export async function checkPhotoFormat(input: string | Buffer, label: string): Promise<PhotoFormat> {
  const head = typeof input === 'string' ? await readHead(input) : input.subarray(0, 64)
  const found = sniffFormat(head)
  if (found === 'markup') {
    throw new HeirloomError(
      'UNSUPPORTED',
      `${label} is SVG/XML markup, not a photo: Heirloom does not open vector or markup files (they can load other files). Export it to PNG or JPEG first.`
    )
  }
  if (!found) {
    throw new HeirloomError(
      'UNSUPPORTED',
      `${label} is not an image format Heirloom can read (it opens JPEG, PNG, TIFF, WebP, GIF and HEIF/AVIF photos).`
    )
  }
  const ext = typeof input === 'string' ? extname(input).toLowerCase() : ''
  const named = BY_EXTENSION[ext]
  if (named && named !== found) {
    throw new HeirloomError(
      'UNSUPPORTED',
      `${label} is named ${ext} but holds a ${NAMES[found]} image; Heirloom reads a file only as the format its name says. Rename it to match.`
    )
  }
  return found
}
