import sharp from 'sharp'
import { HeirloomError } from '../../errors'
import { decodeError } from '../../image/decode'
import { writeFileAtomic, type WriteOptions } from '../../io/write-atomic'
import type { DamageMask } from './types'

export type MaskFit = 'exact' | 'stretch'

/**
 * Reads a mask image: any non-zero colour = damaged (alpha is ignored). `stretch` resizes another size to the
 * photo's (nearest neighbour, so the mask stays binary); `exact` leaves the size check to checkMask.
 */
export async function readMask(
  path: string,
  target: { width: number; height: number },
  fit: MaskFit = 'exact'
): Promise<DamageMask> {
  try {
    let pipeline = sharp(path, { failOn: 'error' }).rotate().removeAlpha()
    const meta = await sharp(path).metadata()
    const w0 = meta.autoOrient?.width ?? meta.width ?? 0
    const h0 = meta.autoOrient?.height ?? meta.height ?? 0
    if (fit === 'stretch' && (w0 !== target.width || h0 !== target.height)) {
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
    throw decodeError(err, path)
  }
}

/** Writes a mask as a 1-channel PNG (255 = damaged), atomically. */
export async function writeMaskPng(path: string, mask: DamageMask, guard: WriteOptions): Promise<void> {
  const png = await sharp(Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.length), {
    raw: { width: mask.width, height: mask.height, channels: 1 }
  })
    .toColourspace('b-w')
    .png()
    .toBuffer()
  await writeFileAtomic(path, png, guard)
}
