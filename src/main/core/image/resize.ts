import sharp from 'sharp'
import { HeirloomError } from '../errors'
import type { RgbImage } from './types'

export type ResizeKernel = 'lanczos3' | 'cubic' | 'linear' | 'nearest'

/** Exact-size resize of an RGB image with libvips (lanczos3 by default). */
export async function resizeRgb(
  img: RgbImage,
  width: number,
  height: number,
  kernel: ResizeKernel = 'lanczos3'
): Promise<RgbImage> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new HeirloomError('INVALID_REQUEST', `Resize target must be positive integers (got ${width}x${height}).`)
  }
  if (width === img.width && height === img.height) {
    return { width, height, data: img.data.slice() }
  }
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }
}
