import { differenceCiede2000 } from 'culori'
import type { RgbImage } from '../../src/main/core/image/types'

const de2000 = differenceCiede2000()

/** Mean CIEDE2000 between two same-size 8-bit RGB images (culori does the sRGB -> Lab and the difference). */
export function meanDeltaE2000(x: RgbImage, y: RgbImage): number {
  if (x.width !== y.width || x.height !== y.height) throw new Error('size mismatch')
  const n = x.width * x.height
  let sum = 0
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    sum += de2000(
      { mode: 'rgb', r: x.data[j] / 255, g: x.data[j + 1] / 255, b: x.data[j + 2] / 255 },
      { mode: 'rgb', r: y.data[j] / 255, g: y.data[j + 1] / 255, b: y.data[j + 2] / 255 }
    )
  }
  return sum / n
}

export interface FadeModel {
  name: string
  /** Contrast kept (1 = none lost). */
  contrast: number
  gamma: [number, number, number]
  offset: [number, number, number]
  /** Extra additive cast per channel. */
  cast: [number, number, number]
}

/** Ages a clean photo like a faded colour print: contrast compression, per-channel gamma and offset, a cast. */
export function fadePhoto(img: RgbImage, m: FadeModel): RgbImage {
  const luts = [0, 1, 2].map((c) => {
    const lut = new Uint8Array(256)
    for (let v = 0; v < 256; v++) {
      const y = m.offset[c] + m.contrast * Math.pow(v / 255, m.gamma[c]) + m.cast[c]
      lut[v] = Math.round(255 * Math.min(1, Math.max(0, y)))
    }
    return lut
  })
  const out = new Uint8Array(img.data.length)
  for (let j = 0; j < out.length; j += 3) {
    out[j] = luts[0][img.data[j]]!
    out[j + 1] = luts[1][img.data[j + 1]]!
    out[j + 2] = luts[2][img.data[j + 2]]!
  }
  return { width: img.width, height: img.height, data: out }
}

/** The anchor: plain per-channel auto-levels (each channel's min..max stretched to 0..255). */
export function autoLevels(img: RgbImage): RgbImage {
  const lo = [255, 255, 255]
  const hi = [0, 0, 0]
  for (let j = 0; j < img.data.length; j += 3) {
    for (let c = 0; c < 3; c++) {
      const v = img.data[j + c]
      if (v < lo[c]) lo[c] = v
      if (v > hi[c]) hi[c] = v
    }
  }
  const out = new Uint8Array(img.data.length)
  for (let j = 0; j < out.length; j += 3) {
    for (let c = 0; c < 3; c++) {
      const span = Math.max(1, hi[c] - lo[c])
      out[j + c] = Math.round((255 * (img.data[j + c] - lo[c])) / span)
    }
  }
  return { width: img.width, height: img.height, data: out }
}
