/**
 * Rewrites a raw EXIF (TIFF-structured) block for export. Hand-written because sharp can only copy EXIF from its own
 * input image or write string fields; our pixels arrive raw, so the original block is edited and spliced back.
 * The original bytes stay where they are (maker notes keep their internal offsets); a new IFD0 is appended.
 */

const TAG_IMAGE_DESCRIPTION = 0x010e
const TAG_ORIENTATION = 0x0112
const TAG_SOFTWARE = 0x0131
const TAG_EXIF_IFD = 0x8769
const TAG_PIXEL_X = 0xa002
const TAG_PIXEL_Y = 0xa003
const TYPE_ASCII = 2
const TYPE_SHORT = 3
const TYPE_LONG = 4

export interface ExifEdits {
  /** Written only when the original has no ImageDescription (never overwrite the family's caption). */
  description?: string
  software?: string
  width?: number
  height?: number
}

interface Reader {
  u16(o: number): number
  u32(o: number): number
  le: boolean
}

function reader(b: Buffer): Reader | undefined {
  if (b.length < 8) return undefined
  const order = b.toString('latin1', 0, 2)
  if (order !== 'II' && order !== 'MM') return undefined
  const le = order === 'II'
  const r: Reader = {
    le,
    u16: (o) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o)),
    u32: (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o))
  }
  return r.u16(2) === 42 ? r : undefined
}

/** Strips the "Exif\0\0" prefix libvips/sharp keep on the block. */
export function tiffPart(exif: Buffer): Buffer {
  return exif.length >= 6 && exif.toString('latin1', 0, 6) === 'Exif\0\0' ? exif.subarray(6) : exif
}

function ascii(s: string): Buffer {
  // EXIF ASCII is 7-bit; other characters become '?'.
  return Buffer.from(`${s.replace(/[^\x20-\x7e]/g, '?')}\0`, 'latin1')
}

/** Builds a new TIFF/EXIF block: original entries kept, orientation 1, our description/software, no thumbnail. */
export function rewriteExif(original: Buffer | undefined, edits: ExifEdits): Buffer {
  const src = original ? Buffer.from(tiffPart(original)) : undefined
  const r = src ? reader(src) : undefined
  const le = r?.le ?? true
  const entries = new Map<number, Buffer>()
  let body: Buffer
  if (src && r) {
    body = src
    const ifd0 = r.u32(4)
    if (ifd0 + 2 <= src.length) {
      const count = r.u16(ifd0)
      for (let k = 0; k < count; k++) {
        const e = ifd0 + 2 + k * 12
        if (e + 12 > src.length) break
        entries.set(r.u16(e), Buffer.from(src.subarray(e, e + 12)))
      }
      patchPixelSize(src, r, entries.get(TAG_EXIF_IFD), edits)
    }
  } else {
    body = Buffer.from(le ? [0x49, 0x49, 42, 0, 8, 0, 0, 0] : [0x4d, 0x4d, 0, 42, 0, 0, 0, 8])
  }
  const w16 = (buf: Buffer, v: number, o: number): void => void (le ? buf.writeUInt16LE(v, o) : buf.writeUInt16BE(v, o))
  const w32 = (buf: Buffer, v: number, o: number): void =>
    void (le ? buf.writeUInt32LE(v >>> 0, o) : buf.writeUInt32BE(v >>> 0, o))
  const extra: Buffer[] = []
  // Word-aligned start for the new IFD.
  let tail = body.length + (body.length % 2)
  const asciiEntries: [number, Buffer][] = []
  if (edits.description && !entries.has(TAG_IMAGE_DESCRIPTION))
    asciiEntries.push([TAG_IMAGE_DESCRIPTION, ascii(edits.description)])
  if (edits.software) asciiEntries.push([TAG_SOFTWARE, ascii(edits.software)])
  const orient = Buffer.alloc(12)
  w16(orient, TAG_ORIENTATION, 0)
  w16(orient, TYPE_SHORT, 2)
  w32(orient, 1, 4)
  w16(orient, 1, 8)
  entries.set(TAG_ORIENTATION, orient)
  for (const [tag] of asciiEntries) entries.delete(tag)
  const ifdSize = 2 + (entries.size + asciiEntries.length) * 12 + 4
  const ifdStart = tail
  tail += ifdSize
  for (const [tag, data] of asciiEntries) {
    const e = Buffer.alloc(12)
    w16(e, tag, 0)
    w16(e, TYPE_ASCII, 2)
    w32(e, data.length, 4)
    if (data.length <= 4) data.copy(e, 8)
    else {
      w32(e, tail, 8)
      extra.push(data)
      tail += data.length
      if (data.length % 2) {
        extra.push(Buffer.alloc(1))
        tail += 1
      }
    }
    entries.set(tag, e)
  }
  const ifd = Buffer.alloc(ifdSize)
  const sorted = [...entries.entries()].sort((p, q) => p[0] - q[0])
  w16(ifd, sorted.length, 0)
  sorted.forEach(([, e], k) => e.copy(ifd, 2 + k * 12))
  // Next-IFD 0: the original IFD1 thumbnail shows the unedited photo, so it is dropped.
  w32(ifd, 0, ifdSize - 4)
  const head = Buffer.from(body)
  w32(head, ifdStart, 4)
  const pad = Buffer.alloc(ifdStart - body.length)
  return Buffer.concat([head, pad, ifd, ...extra])
}

/** Updates PixelXDimension/PixelYDimension in the Exif sub-IFD in place (the photo may have been upscaled). */
function patchPixelSize(buf: Buffer, r: Reader, exifPtr: Buffer | undefined, edits: ExifEdits): void {
  if (!exifPtr || edits.width === undefined || edits.height === undefined) return
  const off = r.le ? exifPtr.readUInt32LE(8) : exifPtr.readUInt32BE(8)
  if (off + 2 > buf.length) return
  const count = r.u16(off)
  for (let k = 0; k < count; k++) {
    const e = off + 2 + k * 12
    if (e + 12 > buf.length) return
    const tag = r.u16(e)
    if (tag !== TAG_PIXEL_X && tag !== TAG_PIXEL_Y) continue
    const v = tag === TAG_PIXEL_X ? edits.width : edits.height
    const type = r.u16(e + 2)
    if (type === TYPE_SHORT && v <= 0xffff) {
      if (r.le) buf.writeUInt16LE(v, e + 8)
      else buf.writeUInt16BE(v, e + 8)
    } else if (type === TYPE_LONG) {
      if (r.le) buf.writeUInt32LE(v, e + 8)
      else buf.writeUInt32BE(v, e + 8)
    }
  }
}

/** Reads one IFD0 ASCII tag (for tests and diagnostics). */
export function readExifAscii(exif: Buffer, tag: number): string | undefined {
  const b = tiffPart(exif)
  const r = reader(b)
  if (!r) return undefined
  const ifd0 = r.u32(4)
  const count = r.u16(ifd0)
  for (let k = 0; k < count; k++) {
    const e = ifd0 + 2 + k * 12
    if (r.u16(e) !== tag) continue
    const n = r.u32(e + 4)
    const at = n <= 4 ? e + 8 : r.u32(e + 8)
    return b.toString('latin1', at, at + n).replace(/\0+$/, '')
  }
  return undefined
}

export const EXIF_TAGS = { ImageDescription: TAG_IMAGE_DESCRIPTION, Software: TAG_SOFTWARE } as const
