/**
 * sRGB (D65) <-> CIE L*a*b* on whole typed arrays. Written by hand: colour libraries convert one colour object at a
 * time, far too slow for a 24 MP scan; the formulas are the standard IEC 61966-2-1 and CIE 1976 ones.
 */

const XN = 0.95047
const ZN = 1.08883
const EPS = 216 / 24389
const KAPPA = 24389 / 27

/** 8-bit sRGB value -> linear light, precomputed. */
const SRGB_TO_LINEAR = (() => {
  const t = new Float32Array(256)
  for (let i = 0; i < 256; i++) {
    const c = i / 255
    t[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)
  }
  return t
})()

function f(t: number): number {
  return t > EPS ? Math.cbrt(t) : (KAPPA * t + 16) / 116
}

function finv(t: number): number {
  const t3 = t * t * t
  return t3 > EPS ? t3 : (116 * t - 16) / KAPPA
}

function linearToSrgb(c: number): number {
  const v = c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(c, 1 / 2.4) - 0.055
  return v * 255
}

/** Interleaved 8-bit RGB -> planar Lab (L 0..100). */
export function rgbToLab(rgb: Uint8Array, n: number): { L: Float32Array; a: Float32Array; b: Float32Array } {
  const L = new Float32Array(n)
  const a = new Float32Array(n)
  const b = new Float32Array(n)
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const r = SRGB_TO_LINEAR[rgb[j]]
    const g = SRGB_TO_LINEAR[rgb[j + 1]]
    const bl = SRGB_TO_LINEAR[rgb[j + 2]]
    const fx = f((0.4124564 * r + 0.3575761 * g + 0.1804375 * bl) / XN)
    const fy = f(0.2126729 * r + 0.7151522 * g + 0.072175 * bl)
    const fz = f((0.0193339 * r + 0.119192 * g + 0.9503041 * bl) / ZN)
    L[i] = 116 * fy - 16
    a[i] = 500 * (fx - fy)
    b[i] = 200 * (fy - fz)
  }
  return { L, a, b }
}

/** L* (0..100) of each pixel of interleaved 8-bit RGB, without the a, b planes. */
export function lightness(rgb: Uint8Array, n: number): Float32Array {
  const L = new Float32Array(n)
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const y =
      0.2126729 * SRGB_TO_LINEAR[rgb[j]] +
      0.7151522 * SRGB_TO_LINEAR[rgb[j + 1]] +
      0.072175 * SRGB_TO_LINEAR[rgb[j + 2]]
    L[i] = 116 * f(y) - 16
  }
  return L
}

/** One Lab colour -> linear-light sRGB (0..1 in gamut; outside it, below 0 or above 1). */
export function labToLinear(L: number, a: number, b: number, out: Float64Array | number[]): void {
  const fy = (L + 16) / 116
  const x = XN * finv(fy + a / 500)
  const y = L > KAPPA * EPS ? fy * fy * fy : L / KAPPA
  const z = ZN * finv(fy - b / 200)
  out[0] = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z
  out[1] = -0.969266 * x + 1.8760108 * y + 0.041556 * z
  out[2] = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z
}

const ENCODE_STEPS = 65535
/** Linear 0..1 -> 8-bit sRGB, tabulated finely enough (< 0.05 level error) to stand in for the power law per pixel. */
const LINEAR_TO_SRGB8 = (() => {
  const t = new Uint8Array(ENCODE_STEPS + 1)
  for (let i = 0; i <= ENCODE_STEPS; i++) t[i] = clamp8(linearToSrgb(i / ENCODE_STEPS))
  return t
})()

export function encodeLinear8(v: number): number {
  return LINEAR_TO_SRGB8[v <= 0 ? 0 : v >= 1 ? ENCODE_STEPS : Math.round(v * ENCODE_STEPS)]
}

/** One Lab colour -> sRGB floats 0..255 (not clamped: out-of-gamut values are the caller's to clip). */
export function labToRgbFloat(L: number, a: number, b: number, out: Float64Array | number[]): void {
  const fy = (L + 16) / 116
  const x = XN * finv(fy + a / 500)
  const y = L > KAPPA * EPS ? fy * fy * fy : L / KAPPA
  const z = ZN * finv(fy - b / 200)
  out[0] = linearToSrgb(3.2404542 * x - 1.5371385 * y - 0.4985314 * z)
  out[1] = linearToSrgb(-0.969266 * x + 1.8760108 * y + 0.041556 * z)
  out[2] = linearToSrgb(0.0556434 * x - 0.2040259 * y + 1.0572252 * z)
}

/** Planar Lab -> interleaved 8-bit sRGB (rounded, clipped to gamut per channel). */
export function labToRgb(L: Float32Array, a: Float32Array, b: Float32Array, n: number): Uint8Array {
  const out = new Uint8Array(n * 3)
  const px = [0, 0, 0]
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    labToRgbFloat(L[i], a[i], b[i], px)
    out[j] = clamp8(px[0])
    out[j + 1] = clamp8(px[1])
    out[j + 2] = clamp8(px[2])
  }
  return out
}

export function clamp8(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v)
}
