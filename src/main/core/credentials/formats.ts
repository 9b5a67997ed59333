/** Which containers carry Content Credentials here, by MIME type and by sniffing a file's first bytes. */

/**
 * Formats whose signing, reading and tamper detection Heirloom has checked with @contentauth/c2pa-wasm 0.13.3
 * (tests/unit/credentials-*.test.ts, tests/integration/credentials-*.test.ts): every format Heirloom writes. Others
 * (when read, or a future output format) keep only the XMP provenance note.
 */
export const SIGNABLE_MIMES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/tiff'])

const MIME_BY_FORMAT: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
  webp: 'image/webp'
}

export function mimeOfFormat(format: string): string {
  return MIME_BY_FORMAT[format] ?? 'application/octet-stream'
}

/** The MIME type from the file's signature, or undefined for anything not an image we know. */
export function sniffMime(b: Uint8Array): string | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png'
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a))
  )
    return 'image/tiff'
  const ascii = (from: number, to: number): string => String.fromCharCode(...b.subarray(from, to))
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp'
  if (b.length >= 12 && ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12)
    if (brand === 'avif' || brand === 'avis') return 'image/avif'
    if (brand.startsWith('hei') || brand === 'mif1') return 'image/heic'
  }
  return undefined
}
