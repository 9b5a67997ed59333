import type { RgbImage } from '../../image/types'
import { rgbToLab } from './lab'

const MAX_SAMPLES = 1 << 16

/**
 * A toned black-and-white print (sepia, selenium, cyanotype): its colour is one tint everywhere, so the chroma barely
 * spreads around its mean. Measured on ../shared/photos: toned prints have a 90th-percentile spread of 4.7..8.2,
 * colour photos (even faded ones and an autochrome) 14.7 and up; 11 sits between.
 */
export function isTonedMonochrome(img: RgbImage): boolean {
  const n = img.width * img.height
  const step = Math.max(1, Math.floor(n / MAX_SAMPLES))
  const m = Math.ceil(n / step)
  const sample = new Uint8Array(m * 3)
  for (let i = 0, k = 0; i < n; i += step, k += 3) sample.set(img.data.subarray(i * 3, i * 3 + 3), k)
  const { a, b } = rgbToLab(sample, m)
  let ma = 0
  let mb = 0
  for (let i = 0; i < m; i++) {
    ma += a[i]
    mb += b[i]
  }
  ma /= m
  mb /= m
  const spread = new Float32Array(m)
  for (let i = 0; i < m; i++) spread[i] = Math.hypot(a[i] - ma, b[i] - mb)
  spread.sort()
  return spread[Math.floor(0.9 * (m - 1))] < 11
}
