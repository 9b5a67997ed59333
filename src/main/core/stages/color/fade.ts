import sharp from 'sharp'
import { HeirloomError } from '../../errors'
import { isGrayscaleImage } from '../../image/gray'
import type { RgbImage } from '../../image/types'
import { rgbToLab } from './lab'

export interface FadeOptions {
  /** 0 = untouched, 1 = full correction (default 1). */
  strength?: number
  /** Keep a sepia/cyanotype (or any) overall tone: levels on luminance only, no white balance. */
  keepTone?: boolean
  /** Percent of pixels clipped at each end of the levels (default 0.02): a few speculars or dust specks do not decide. */
  clipPercent?: number
}

export interface FadeParams {
  mode: 'per-channel' | 'luminance'
  /** Black and white points per channel (R,G,B), 0..255, from the clipped histograms. */
  black: [number, number, number]
  white: [number, number, number]
  /** Midtone gamma per channel from the neutral-point white balance (1 = none). */
  gamma: [number, number, number]
  /** Share of the neutral estimate that came from near-grey pixels (the rest is grey-world). */
  greyPixelWeight: number
  saturation: number
  strength: number
}

export interface FadeResult {
  image: RgbImage
  params: FadeParams
}

/** Most pixels looked at when estimating (a 24 MP scan is sampled on a grid; the correction applies to all). */
const MAX_SAMPLES = 1 << 18

type Rgb3 = [number, number, number]

function checkStrength(s: number): number {
  if (!(s >= 0 && s <= 1)) throw new HeirloomError('INVALID_REQUEST', `Fade strength must be 0..1 (got ${s}).`)
  return s
}

/** Value below which `p` (0..1) of a 256-bin histogram lies. */
function percentile(hist: Uint32Array, total: number, p: number): number {
  const target = p * total
  let acc = 0
  for (let v = 0; v < 256; v++) {
    acc += hist[v]
    if (acc > target) return v
  }
  return 255
}

function histograms(img: RgbImage, step: number): { ch: Uint32Array[]; luma: Uint32Array; count: number } {
  const ch = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)]
  const luma = new Uint32Array(256)
  const d = img.data
  const n = img.width * img.height
  let count = 0
  for (let i = 0; i < n; i += step) {
    const j = i * 3
    const r = d[j]
    const g = d[j + 1]
    const b = d[j + 2]
    ch[0][r]++
    ch[1][g]++
    ch[2][b]++
    luma[(19595 * r + 38470 * g + 7471 * b + 32768) >> 16]++
    count++
  }
  return { ch, luma, count }
}

/**
 * Black and white points per channel from the same pixels for every channel: the darkest and the brightest `clip`
 * share by luminance (the white patch and the black point are assumed neutral). Per-channel percentiles would instead
 * stretch away a colour the photo really has (a close-up of skin has no dark red at all).
 */
function neutralEnds(
  img: RgbImage,
  step: number,
  hist: { luma: Uint32Array; count: number },
  clip: number
): { black: Rgb3; white: Rgb3 } {
  const share = clip
  const lo = percentile(hist.luma, hist.count, share)
  const hi = percentile(hist.luma, hist.count, 1 - share)
  const d = img.data
  const n = img.width * img.height
  const low: number[][] = [[], [], []]
  const high: number[][] = [[], [], []]
  for (let i = 0; i < n; i += step) {
    const j = i * 3
    const y = (19595 * d[j] + 38470 * d[j + 1] + 7471 * d[j + 2] + 32768) >> 16
    if (y <= lo) for (let c = 0; c < 3; c++) low[c].push(d[j + c])
    if (y >= hi) for (let c = 0; c < 3; c++) high[c].push(d[j + c])
  }
  // Medians: the few speculars or dust specks that reach the end band do not pull it.
  const median = (v: number[]): number => {
    if (v.length === 0) return 0
    v.sort((x, y) => x - y)
    return v[v.length >> 1]
  }
  return {
    black: low.map(median) as Rgb3,
    white: high.map((v) => (v.length === 0 ? 255 : median(v))) as Rgb3
  }
}

/**
 * Neutral-point white balance as a per-channel midtone gamma on the level-stretched channels: the channels' log-means
 * are made equal, first over all midtones (grey-world), then over near-grey pixels only, re-selected after each step
 * (robust when a large coloured object breaks grey-world). The two are blended by how many near-grey pixels exist.
 */
function neutralGamma(img: RgbImage, step: number, black: Rgb3, white: Rgb3): { gamma: Rgb3; greyPixelWeight: number } {
  const d = img.data
  const n = img.width * img.height
  const m = Math.ceil(n / step)
  const s = [new Float32Array(m), new Float32Array(m), new Float32Array(m)]
  let k = 0
  for (let i = 0; i < n; i += step, k++) {
    for (let c = 0; c < 3; c++) {
      const v = (d[i * 3 + c] - black[c]) / Math.max(1, white[c] - black[c])
      s[c][k] = v < 1 / 255 ? 1 / 255 : v > 1 ? 1 : v
    }
  }
  const logMeans = (gamma: Rgb3, greyOnly: boolean, tol = 0.1): { lm: Rgb3; used: number } => {
    const sum: Rgb3 = [0, 0, 0]
    let used = 0
    for (let i = 0; i < m; i++) {
      const r = Math.pow(s[0][i], gamma[0])
      const g = Math.pow(s[1][i], gamma[1])
      const b = Math.pow(s[2][i], gamma[2])
      const y = 0.299 * r + 0.587 * g + 0.114 * b
      // Midtones only: clipped shadows and highlights say nothing about the cast.
      if (y < 0.08 || y > 0.92) continue
      if (greyOnly && Math.max(r, g, b) - Math.min(r, g, b) > tol * Math.max(y, 0.25)) continue
      sum[0] += Math.log(s[0][i])
      sum[1] += Math.log(s[1][i])
      sum[2] += Math.log(s[2][i])
      used++
    }
    return { lm: used > 0 ? [sum[0] / used, sum[1] / used, sum[2] / used] : [0, 0, 0], used }
  }
  const solve = (lm: Rgb3): Rgb3 => {
    if (lm.some((v) => v > -1e-3)) return [1, 1, 1]
    const t = (lm[0] + lm[1] + lm[2]) / 3
    // A wild estimate (a photo of a red wall) must not swing the colours: gammas stay in a sane band.
    return lm.map((v) => Math.min(1.8, Math.max(0.55, t / v))) as Rgb3
  }
  const world = logMeans([1, 1, 1], false)
  if (world.used === 0) return { gamma: [1, 1, 1], greyPixelWeight: 0 }
  const gw = solve(world.lm)
  let gp = gw
  let used = 0
  // Near-grey pixels re-selected after each step, with a tightening tolerance.
  for (const tol of [0.25, 0.15, 0.1, 0.1]) {
    const r = logMeans(gp, true, tol)
    used = r.used
    if (used === 0) break
    gp = solve(r.lm)
  }
  // Near-grey pixels are the better witness when there are enough of them (3% of the midtones gives full trust).
  const w = Math.min(1, used / (0.03 * world.used))
  const gamma = [0, 1, 2].map((c) => Math.exp(w * Math.log(gp[c]) + (1 - w) * Math.log(gw[c]))) as Rgb3
  // Applied at half strength in the log domain: a neutral estimate is a guess (a warm portrait is not grey on
  // average), and half of a wrong guess costs less than all of it; measured on the faded test photos.
  return { gamma: gamma.map((g) => Math.sqrt(g)) as Rgb3, greyPixelWeight: w }
}

/** Chroma restore for dye fading: lifts a washed-out photo toward a typical print's colourfulness, bounded. */
function saturationBoost(img: RgbImage, step: number): number {
  const n = img.width * img.height
  const m = Math.ceil(n / step)
  const sample = new Uint8Array(m * 3)
  for (let i = 0, k = 0; i < n; i += step, k += 3) sample.set(img.data.subarray(i * 3, i * 3 + 3), k)
  const { a, b } = rgbToLab(sample, m)
  const chroma = new Float32Array(m)
  for (let i = 0; i < m; i++) chroma[i] = Math.hypot(a[i], b[i])
  chroma.sort()
  const p90 = chroma[Math.floor(0.9 * (m - 1))]
  // Colour prints keep a 90th-percentile chroma well above 20; below that, the dyes have faded.
  if (p90 >= 20 || p90 < 2) return 1
  return Math.min(1.4, 20 / p90)
}

function lutFor(black: number, white: number, gamma: number, strength: number): Uint8Array {
  const lut = new Uint8Array(256)
  const span = Math.max(1, white - black)
  for (let v = 0; v < 256; v++) {
    const x = Math.min(1, Math.max(0, (v - black) / span))
    const full = 255 * Math.pow(x, gamma)
    lut[v] = Math.round(v + strength * (full - v))
  }
  return lut
}

/**
 * Fade and cast correction without a model: robust per-channel levels (percentile clipping), neutral-point white
 * balance, saturation restore. Grayscale photos stay exactly grayscale; `keepTone` keeps a toned print's hue.
 * Per-pixel work is a 256-entry LUT per channel, written by hand because sharp exposes no per-channel gamma or LUT;
 * the saturation step is sharp's modulate() (libvips LCh).
 */
export async function correctFade(img: RgbImage, opts: FadeOptions = {}): Promise<FadeResult> {
  const strength = checkStrength(opts.strength ?? 1)
  const clip = (opts.clipPercent ?? 0.02) / 100
  const n = img.width * img.height
  const step = Math.max(1, Math.floor(n / MAX_SAMPLES))
  const gray = isGrayscaleImage(img)
  const hist = histograms(img, step)
  let black: Rgb3
  let white: Rgb3
  let gamma: Rgb3 = [1, 1, 1]
  let greyPixelWeight = 0
  const luminanceOnly = gray || opts.keepTone === true
  if (luminanceOnly) {
    // One map for all channels: gray stays gray, a tone keeps its hue.
    const lo = percentile(hist.luma, hist.count, clip)
    const hi = percentile(hist.luma, hist.count, 1 - clip)
    black = [lo, lo, lo]
    white = [hi, hi, hi]
  } else {
    ;({ black, white } = neutralEnds(img, step, hist, clip))
    ;({ gamma, greyPixelWeight } = neutralGamma(img, step, black, white))
  }
  // A flat image (a blank page) has no range to stretch: leave it alone rather than amplify noise.
  for (let c = 0; c < 3; c++) if (white[c] - black[c] < 8) [black[c], white[c], gamma[c]] = [0, 255, 1]
  const luts = [0, 1, 2].map((c) => lutFor(black[c], white[c], gamma[c], strength))
  const out = new Uint8Array(n * 3)
  const d = img.data
  const [l0, l1, l2] = luts as [Uint8Array, Uint8Array, Uint8Array]
  for (let j = 0; j < n * 3; j += 3) {
    out[j] = l0[d[j]]!
    out[j + 1] = l1[d[j + 1]]!
    out[j + 2] = l2[d[j + 2]]!
  }
  let image: RgbImage = { width: img.width, height: img.height, data: out }
  let saturation = 1
  if (!luminanceOnly) {
    saturation = 1 + strength * (saturationBoost(image, step) - 1)
    if (saturation > 1.001) {
      const buf = await sharp(out, { raw: { width: img.width, height: img.height, channels: 3 } })
        .modulate({ saturation })
        .raw()
        .toBuffer()
      image = { width: img.width, height: img.height, data: new Uint8Array(buf.buffer, buf.byteOffset, n * 3) }
    }
  }
  return {
    image,
    params: {
      mode: luminanceOnly ? 'luminance' : 'per-channel',
      black,
      white,
      gamma: gamma.map((g) => Math.round(g * 1000) / 1000) as Rgb3,
      greyPixelWeight: Math.round(greyPixelWeight * 1000) / 1000,
      saturation: Math.round(saturation * 1000) / 1000,
      strength
    }
  }
}
