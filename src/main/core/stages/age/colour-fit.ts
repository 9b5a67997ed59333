import type { RgbImage } from '../../image/types'
import { multiScaleColorTransfer } from '../../warp/colour'

/**
 * Colour steps of the aging routes, sized for 12 MP photos (budget: 80 ms per face outside the models).
 * The generic warp/colour helpers run per pixel at full resolution (~100 ms for an 800 px StyleGANEX paste);
 * here statistics are taken at the model's own resolution and applied in one pass.
 */

/** Rounds and clamps to 0..255 (NaN -> 0). Written out because V8's Uint8ClampedArray store from a double is ~3x slower. */
function byte(v: number): number {
  const r = (v + 0.5) | 0
  return r < 0 ? 0 : r > 255 ? 255 : r
}

/** [1,3,S,S] NCHW in [-1,1] -> 8-bit RGB; a specialised loop, ~3x faster than the generic tensorToRgb at 1024. */
export function planarToRgb(data: Float32Array, size: number): RgbImage {
  const n = size * size
  const out = new Uint8Array(n * 3)
  for (let c = 0; c < 3; c++) {
    const base = c * n
    for (let i = 0, j = c; i < n; i++, j += 3) out[j] = byte(data[base + i] * 127.5 + 127.5)
  }
  return { width: size, height: size, data: out }
}

/** Channel mean/std over all pixels (via a per-channel histogram: one pass of integer increments). */
function stats(img: RgbImage): { mean: number[]; std: number[] } {
  const d = img.data
  const hist = new Uint32Array(768)
  for (let i = 0; i < d.length; i += 3) {
    hist[d[i]]++
    hist[256 + d[i + 1]]++
    hist[512 + d[i + 2]]++
  }
  const n = d.length / 3
  const sum = [0, 0, 0]
  const sq = [0, 0, 0]
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) {
      const k = hist[c * 256 + v]
      sum[c] += k * v
      sq[c] += k * v * v
    }
  }
  const mean = sum.map((s) => s / n)
  return { mean, std: sq.map((s, c) => Math.sqrt(Math.max(0, s / n - mean[c] * mean[c]))) }
}

/**
 * Per-channel 256-entry tables mapping `src`'s mean/std onto `ref`'s (Reinhard-style); the images may differ in
 * size (a 1024 output against the 256 encoder crop). A flat channel keeps its contrast and is only shifted.
 */
export function meanStdTables(src: RgbImage, ref: RgbImage): Uint8Array[] {
  const s = stats(src)
  const r = stats(ref)
  return [0, 1, 2].map((c) => {
    const gain = s.std[c] > 1e-6 ? r.std[c] / s.std[c] : 1
    const off = r.mean[c] - s.mean[c] * gain
    const lut = new Uint8Array(256)
    for (let v = 0; v < 256; v++) lut[v] = byte(v * gain + off)
    return lut
  })
}

export function applyTables(img: RgbImage, tables: Uint8Array[]): RgbImage {
  const d = img.data
  const out = new Uint8Array(d.length)
  const [t0, t1, t2] = tables as [Uint8Array, Uint8Array, Uint8Array]
  for (let i = 0; i < d.length; i += 3) {
    out[i] = t0[d[i]]!
    out[i + 1] = t1[d[i + 1]]!
    out[i + 2] = t2[d[i + 2]]!
  }
  return { width: img.width, height: img.height, data: out }
}

/** Side of the proxy the multi-scale transfer runs on: its finest grid is 32 cells, so 4 px per cell. */
const PROXY = 128

/**
 * PROXY x PROXY box average (area mean per cell). In JS rather than sharp: one pass, synchronous, and the
 * transfer only needs cell means.
 */
function boxProxy(img: RgbImage): RgbImage {
  const acc = new Float64Array(PROXY * PROXY * 3)
  const cnt = new Uint32Array(PROXY * PROXY)
  const cx = new Int32Array(img.width)
  for (let x = 0; x < img.width; x++) cx[x] = Math.min(PROXY - 1, Math.floor((x * PROXY) / img.width))
  const d = img.data
  for (let y = 0; y < img.height; y++) {
    const row = Math.min(PROXY - 1, Math.floor((y * PROXY) / img.height)) * PROXY
    for (let x = 0, i = y * img.width * 3; x < img.width; x++, i += 3) {
      const cell = row + cx[x]
      acc[cell * 3] += d[i]
      acc[cell * 3 + 1] += d[i + 1]
      acc[cell * 3 + 2] += d[i + 2]
      cnt[cell]++
    }
  }
  const out = new Uint8Array(PROXY * PROXY * 3)
  for (let k = 0; k < PROXY * PROXY; k++) {
    const n = cnt[k] || 1
    for (let c = 0; c < 3; c++) out[k * 3 + c] = byte(acc[k * 3 + c] / n)
  }
  return { width: PROXY, height: PROXY, data: out }
}

/**
 * multiScaleColorTransfer's low-frequency correction, computed on a 128 px proxy of `img` and added back at full
 * size with a bilinear upsample. The correction only holds grid-scale (<= 1/32 of the crop) detail, so the proxy
 * loses nothing that the full-size run would keep.
 */
export function lowFrequencyTransfer(img: RgbImage, ref: RgbImage): RgbImage {
  const small = boxProxy(img)
  // The transfer compares cell means, so a proxy-size reference gives the same grid and halves the work.
  const refSmall = ref.width > PROXY ? boxProxy(ref) : ref
  const fixed = multiScaleColorTransfer(small, refSmall)
  const corr = new Float32Array(PROXY * PROXY * 3)
  for (let i = 0; i < corr.length; i++) corr[i] = fixed.data[i] - small.data[i]
  const w = img.width
  const h = img.height
  const out = new Uint8Array(w * h * 3)
  const src = img.data
  // Per column: the two proxy columns (as element offsets) and the weight of the right one.
  const xa = new Int32Array(w)
  const xb = new Int32Array(w)
  const fxs = new Float32Array(w)
  for (let x = 0; x < w; x++) {
    const gx = Math.min(PROXY - 1, Math.max(0, ((x + 0.5) * PROXY) / w - 0.5))
    const x0 = Math.floor(gx)
    xa[x] = x0 * 3
    xb[x] = Math.min(PROXY - 1, x0 + 1) * 3
    fxs[x] = gx - x0
  }
  const row = new Float32Array(PROXY * 3)
  for (let y = 0; y < h; y++) {
    // Vertical interpolation once per row, then only a horizontal lerp per pixel.
    const gy = Math.min(PROXY - 1, Math.max(0, ((y + 0.5) * PROXY) / h - 0.5))
    const y0 = Math.floor(gy)
    const fy = gy - y0
    const r0 = y0 * PROXY * 3
    const r1 = Math.min(PROXY - 1, y0 + 1) * PROXY * 3
    for (let k = 0; k < PROXY * 3; k++) row[k] = corr[r0 + k] + (corr[r1 + k] - corr[r0 + k]) * fy
    let i = y * w * 3
    for (let x = 0; x < w; x++, i += 3) {
      const a = xa[x]
      const b = xb[x]
      const fx = fxs[x]
      out[i] = byte(src[i] + row[a] + (row[b] - row[a]) * fx)
      out[i + 1] = byte(src[i + 1] + row[a + 1] + (row[b + 1] - row[a + 1]) * fx)
      out[i + 2] = byte(src[i + 2] + row[a + 2] + (row[b + 2] - row[a + 2]) * fx)
    }
  }
  return { width: w, height: h, data: out }
}
