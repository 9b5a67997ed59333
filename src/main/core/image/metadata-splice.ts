/**
 * Inserts a raw EXIF block into an encoded JPEG, PNG or WebP. Hand-written because sharp cannot attach a raw EXIF
 * block to pixels that did not come from the original file.
 */
import { crc32 } from 'node:zlib'

const JPEG_MAX_SEGMENT = 65533

function jpegWithExif(img: Buffer, tiff: Buffer): Buffer | undefined {
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff])
  if (payload.length > JPEG_MAX_SEGMENT || img[0] !== 0xff || img[1] !== 0xd8) return undefined
  const parts: Buffer[] = [img.subarray(0, 2)]
  let o = 2
  let inserted = false
  const seg = Buffer.alloc(4)
  seg[0] = 0xff
  seg[1] = 0xe1
  seg.writeUInt16BE(payload.length + 2, 2)
  // Walk the APPn/COM header segments: keep JFIF (APP0) first, drop any EXIF already there, insert ours after APP0.
  while (o + 4 <= img.length && img[o] === 0xff) {
    const marker = img[o + 1]
    const isApp = (marker >= 0xe0 && marker <= 0xef) || marker === 0xfe
    if (!isApp) break
    const len = img.readUInt16BE(o + 2)
    const segment = img.subarray(o, o + 2 + len)
    const isExif = marker === 0xe1 && segment.toString('latin1', 4, 10) === 'Exif\0\0'
    if (marker !== 0xe0 && !inserted) {
      parts.push(seg, payload)
      inserted = true
    }
    if (!isExif) parts.push(segment)
    o += 2 + len
  }
  if (!inserted) parts.push(seg, payload)
  parts.push(img.subarray(o))
  return Buffer.concat(parts)
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

function pngWithExif(img: Buffer, tiff: Buffer): Buffer | undefined {
  if (img.length < 33 || img.toString('latin1', 12, 16) !== 'IHDR') return undefined
  const parts: Buffer[] = [img.subarray(0, 33), pngChunk('eXIf', tiff)]
  let o = 33
  while (o + 12 <= img.length) {
    const len = img.readUInt32BE(o)
    const type = img.toString('latin1', o + 4, o + 8)
    if (type !== 'eXIf') parts.push(img.subarray(o, o + 12 + len))
    o += 12 + len
  }
  return Buffer.concat(parts)
}

function webpWithExif(img: Buffer, tiff: Buffer, width: number, height: number, hasAlpha: boolean): Buffer | undefined {
  if (img.toString('latin1', 0, 4) !== 'RIFF' || img.toString('latin1', 8, 12) !== 'WEBP') return undefined
  const chunks: { type: string; data: Buffer }[] = []
  let o = 12
  while (o + 8 <= img.length) {
    const type = img.toString('latin1', o, o + 4)
    const len = img.readUInt32LE(o + 4)
    chunks.push({ type, data: img.subarray(o + 8, o + 8 + len) })
    o += 8 + len + (len % 2)
  }
  let vp8x = chunks.find((c) => c.type === 'VP8X')
  if (!vp8x) {
    const data = Buffer.alloc(10)
    data.writeUIntLE(width - 1, 4, 3)
    data.writeUIntLE(height - 1, 7, 3)
    vp8x = { type: 'VP8X', data }
    chunks.unshift(vp8x)
  } else {
    vp8x.data = Buffer.from(vp8x.data)
  }
  // VP8X flags: ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04.
  let flags = vp8x.data[0] | 0x08
  if (chunks.some((c) => c.type === 'ICCP')) flags |= 0x20
  if (chunks.some((c) => c.type === 'XMP ')) flags |= 0x04
  if (hasAlpha || chunks.some((c) => c.type === 'ALPH')) flags |= 0x10
  vp8x.data[0] = flags
  const kept = chunks.filter((c) => c.type !== 'EXIF')
  const xmpAt = kept.findIndex((c) => c.type === 'XMP ')
  const exif = { type: 'EXIF', data: tiff }
  if (xmpAt >= 0) kept.splice(xmpAt, 0, exif)
  else kept.push(exif)
  const body = kept.map((c) => {
    const h = Buffer.alloc(8)
    h.write(c.type, 0, 'latin1')
    h.writeUInt32LE(c.data.length, 4)
    return Buffer.concat([h, c.data, Buffer.alloc(c.data.length % 2)])
  })
  const head = Buffer.alloc(12)
  head.write('RIFF', 0, 'latin1')
  head.write('WEBP', 8, 'latin1')
  const all = Buffer.concat([head, ...body])
  all.writeUInt32LE(all.length - 8, 4)
  return all
}

/** Returns the file with the EXIF block inserted, or undefined when the container cannot carry it. */
export function spliceExif(
  format: 'jpeg' | 'png' | 'webp',
  img: Buffer,
  tiff: Buffer,
  size: { width: number; height: number; hasAlpha: boolean }
): Buffer | undefined {
  if (format === 'jpeg') return jpegWithExif(img, tiff)
  if (format === 'png') return pngWithExif(img, tiff)
  return webpWithExif(img, tiff, size.width, size.height, size.hasAlpha)
}
