import { randomBytes } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import sharp, { type Sharp } from 'sharp'
import { HeirloomError } from '../errors'
import { rewriteExif } from './exif-block'
import { spliceExif } from './metadata-splice'
import { provenanceText, type Provenance } from './provenance'
import type { PhotoMetadata, RgbImage } from './types'
import { buildXmp } from './xmp-packet'

export type OutputFormat = 'png' | 'jpeg' | 'tiff' | 'webp'

export interface EncodeOptions {
  format: OutputFormat
  /** 1..100 for JPEG/WebP (default 92). */
  quality?: number
  /** width*height alpha bytes to restore. */
  alpha?: Uint8Array
  /** Write a single gray channel (the source was grayscale). */
  grayscale?: boolean
  /** Blocks kept from the original photo. */
  metadata?: PhotoMetadata
  /** Carry EXIF/ICC/XMP over from `metadata` (default true). */
  keepMetadata?: boolean
  provenance?: Provenance
}

const EXTENSIONS: Record<string, OutputFormat> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.jpe': 'jpeg',
  '.tif': 'tiff',
  '.tiff': 'tiff',
  '.webp': 'webp'
}

export function formatFromPath(path: string): OutputFormat {
  const f = EXTENSIONS[extname(path).toLowerCase()]
  if (!f) {
    throw new HeirloomError('UNSUPPORTED', `Cannot save as "${extname(path) || path}": use .png, .jpg, .tif or .webp.`)
  }
  return f
}

/** ICC header: profile/device class at 12, data colour space at 16. */
function iccKind(icc: Buffer): 'rgb' | 'gray' | 'other' {
  if (icc.length < 128) return 'other'
  const cls = icc.toString('latin1', 12, 16)
  if (cls === 'link' || cls === 'abst' || cls === 'nmcl') return 'other'
  const space = icc.toString('latin1', 16, 20)
  return space === 'RGB ' ? 'rgb' : space === 'GRAY' ? 'gray' : 'other'
}

function formatOptions(p: Sharp, format: OutputFormat, quality: number): Sharp {
  switch (format) {
    case 'jpeg':
      // Full-resolution chroma at high quality: restored faces have fine colour detail worth keeping.
      return p.jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0' })
    case 'png':
      return p.png({ compressionLevel: 6 })
    case 'tiff':
      // Lossless for archives (sharp's default TIFF compression is lossy JPEG).
      return p.tiff({ compression: 'deflate', predictor: 'horizontal' })
    case 'webp':
      return p.webp({ quality, effort: 4 })
  }
}

/**
 * Encodes RGB pixels (plus optional alpha) with the original's ICC profile (pixels converted into it), XMP (merged with
 * Heirloom's history) and EXIF (orientation 1, Software/ImageDescription set; spliced for JPEG/PNG/WebP — libvips
 * writes no EXIF into TIFF).
 */
export async function encodePhoto(img: RgbImage, opts: EncodeOptions): Promise<Buffer> {
  const { width, height } = img
  if (!(width > 0 && height > 0) || img.data.length < width * height * 3) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Cannot encode a ${width}x${height} image with ${img.data.length} bytes.`
    )
  }
  if (opts.alpha && opts.alpha.length !== width * height) {
    throw new HeirloomError('INVALID_REQUEST', `Alpha has ${opts.alpha.length} values; expected ${width * height}.`)
  }
  const quality = Math.round(Math.min(100, Math.max(1, opts.quality ?? 92)))
  const keep = opts.keepMetadata ?? true
  const meta = keep ? (opts.metadata ?? {}) : {}
  const view = Buffer.from(img.data.buffer, img.data.byteOffset, width * height * 3)
  let p = sharp(view, { raw: { width, height, channels: 3 } })
  if (opts.alpha) {
    const a = Buffer.from(opts.alpha.buffer, opts.alpha.byteOffset, opts.alpha.length)
    p = p.joinChannel(a, { raw: { width, height, channels: 1 } })
  }
  if (opts.grayscale) p = p.toColourspace('b-w')
  let iccFile: string | undefined
  try {
    const kind = meta.icc ? iccKind(meta.icc) : 'other'
    if (meta.icc && ((kind === 'rgb' && !opts.grayscale) || (kind === 'gray' && opts.grayscale))) {
      // sharp takes output profiles by path only.
      iccFile = join(tmpdir(), `heirloom-icc-${process.pid}-${randomBytes(6).toString('hex')}.icc`)
      await writeFile(iccFile, meta.icc)
      p = p.withIccProfile(iccFile)
    } else if (!opts.grayscale) {
      p = p.withIccProfile('srgb')
    }
    const xmp = buildXmp(meta.xmp?.toString('utf8'), opts.provenance)
    if (xmp) p = p.withXmp(xmp)
    if (meta.density) p = p.withDensity(meta.density)
    let out: Buffer = await formatOptions(p, opts.format, quality).toBuffer()
    if (opts.format !== 'tiff' && (meta.exif || opts.provenance)) {
      const edits = {
        ...(opts.provenance
          ? { description: provenanceText(opts.provenance), software: opts.provenance.software }
          : {}),
        width,
        height
      }
      const size = { width, height, hasAlpha: !!opts.alpha }
      const spliced =
        spliceExif(opts.format, out, rewriteExif(meta.exif, edits), size) ??
        // Original EXIF too big for a JPEG segment (huge maker notes): keep only our tags.
        spliceExif(opts.format, out, rewriteExif(undefined, edits), size)
      if (spliced) out = spliced
    }
    return out
  } catch (err) {
    if (err instanceof HeirloomError) throw err
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err)
    throw new HeirloomError('INTERNAL', `Encoding ${opts.format.toUpperCase()} failed: ${msg}`, { cause: err })
  } finally {
    if (iccFile) await rm(iccFile, { force: true })
  }
}
