import { convertIndexedToRgb, decode, encode } from 'fast-png'

/**
 * Mask PNG bytes <-> a photo-size grey buffer (non-zero = damaged, alpha ignored: the CLI's --mask / --save-mask
 * convention and main's readMask). fast-png is pure JS, so the same code runs in the renderer and in unit tests, with
 * no canvas colour management between the bytes and the mask.
 */

export interface GreyMask {
  width: number
  height: number
  /** One byte per pixel; 255 (or any non-zero) = damaged. */
  data: Uint8Array
}

/** A 1-channel 8-bit PNG of the mask. */
export function encodeMaskPng(mask: GreyMask): Uint8Array {
  if (mask.data.length !== mask.width * mask.height) {
    throw new RangeError(`a ${mask.width}x${mask.height} mask needs ${mask.width * mask.height} bytes`)
  }
  return encode({ width: mask.width, height: mask.height, data: mask.data, depth: 8, channels: 1 })
}

/** Sample `index` of a row-packed buffer of `depth` < 8 bits per sample. */
const packedSample = (bytes: Uint8Array, rowBytes: number, row: number, index: number, depth: number): number => {
  const bit = index * depth
  const byte = bytes[row * rowBytes + (bit >> 3)]
  return (byte >> (8 - depth - (bit & 7))) & ((1 << depth) - 1)
}

/** Decodes any PNG (grey, grey+alpha, RGB, RGBA, palette; 1..16 bits) to a mask: damaged where a colour is non-zero. */
export function decodeMaskPng(bytes: Uint8Array): GreyMask {
  let png: ReturnType<typeof decode>
  try {
    png = decode(bytes)
  } catch (err) {
    throw new Error(`not a readable mask PNG: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  const { width, height } = png
  const out = new Uint8Array(width * height)
  if (png.palette) {
    const rgb = convertIndexedToRgb(png)
    const ch = rgb.length / (width * height)
    const colours = Math.min(3, ch)
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < colours; c++) if (rgb[i * ch + c] !== 0) out[i] = 255
    }
    return { width, height, data: out }
  }
  const ch = png.channels
  // Alpha is the last channel of grey+alpha (2) and RGBA (4); it does not count.
  const colours = ch === 2 ? 1 : ch === 4 ? 3 : ch
  if (png.depth < 8) {
    const raw = png.data as Uint8Array
    const rowBytes = Math.ceil((width * ch * png.depth) / 8)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < colours; c++) {
          if (packedSample(raw, rowBytes, y, x * ch + c, png.depth) !== 0) out[y * width + x] = 255
        }
      }
    }
    return { width, height, data: out }
  }
  const data = png.data
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < colours; c++) if (data[i * ch + c] !== 0) out[i] = 255
  }
  return { width, height, data: out }
}
