import sharp from 'sharp'
import { HeirloomError } from '../../errors'
import { decodeError } from '../../image/decode'
import { writeFileAtomic, type WriteOptions } from '../../io/write-atomic'
import { maskSizeError } from './repair'
import type { DamageMask } from './types'

export type MaskFit = 'exact' | 'stretch'

/**
 * Reads a mask image (a file, or its bytes as the app sends them): any non-zero colour = damaged (alpha is ignored).
 * `stretch` resizes another size to the photo's (nearest neighbour, so the mask stays binary); `exact` refuses it.
 */
export async function readMask(
  source: string | Uint8Array,
  target: { width: number; height: number },
  fit: MaskFit = 'exact'
): Promise<DamageMask> {
  const input = typeof source === 'string' ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength)
  try {
    let pipeline = sharp(input, { failOn: 'error' }).rotate().removeAlpha()
    const meta = await sharp(input).metadata()
    const w0 = meta.autoOrient?.width ?? meta.width ?? 0
    const h0 = meta.autoOrient?.height ?? meta.height ?? 0
    if (w0 !== target.width || h0 !== target.height) {
      // Refused from the header, before decoding: a small PNG may stand for a huge image of the wrong size.
      if (fit === 'exact') throw maskSizeError({ width: w0, height: h0 }, target)
      pipeline = pipeline.resize(target.width, target.height, { fit: 'fill', kernel: 'nearest' })
    }
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true })
    const n = info.width * info.height
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < info.channels; c++) {
        if (data[i * info.channels + c] !== 0) {
          out[i] = 255
          break
        }
      }
    }
    return { width: info.width, height: info.height, data: out }
  } catch (err) {
    if (err instanceof HeirloomError) throw err
    if (typeof source === 'string') throw decodeError(err, source)
    throw new HeirloomError('DECODE_FAILED', "The mask is not a readable image (a PNG of the photo's size).")
  }
}

/** A mask as 1-channel PNG bytes (255 = damaged): what the app sends, keeps in history and shows. */
export async function encodeMaskPng(mask: DamageMask): Promise<Uint8Array> {
  const png = await sharp(Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.length), {
    raw: { width: mask.width, height: mask.height, channels: 1 }
  })
    .toColourspace('b-w')
    .png()
    .toBuffer()
  // An own buffer (not a slice of sharp's pool), so it can cross threads and IPC as exactly these bytes.
  return Uint8Array.from(png)
}

/** Writes a mask as a 1-channel PNG (255 = damaged), atomically. */
export async function writeMaskPng(path: string, mask: DamageMask, guard: WriteOptions): Promise<void> {
  await writeFileAtomic(path, Buffer.from(await encodeMaskPng(mask)), guard)
}
