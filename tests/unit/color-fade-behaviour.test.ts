import { describe, expect, it } from 'vitest'
import { isGrayscaleImage } from '../../src/main/core/image/gray'
import type { RgbImage } from '../../src/main/core/image/types'
import { correctFade } from '../../src/main/core/stages/color/fade'
import { rgbToLab } from '../../src/main/core/stages/color/lab'

/** A deterministic textured scene: smooth gradients plus a little hash noise, with a given per-channel tint. */
function scene(width: number, height: number, tint: [number, number, number], lift = 0): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = 0.5 + 0.45 * Math.sin(x / 9) * Math.cos(y / 13)
      const noise = (((x * 73856093) ^ (y * 19349663)) & 15) / 255
      for (let c = 0; c < 3; c++) {
        const v = lift + (1 - lift) * Math.min(1, Math.max(0, (base + noise) * tint[c]))
        data[(y * width + x) * 3 + c] = Math.round(255 * v)
      }
    }
  }
  return { width, height, data }
}

function meanHueAndChroma(img: RgbImage): { hue: number; chroma: number } {
  const n = img.width * img.height
  const { a, b } = rgbToLab(img.data, n)
  let sa = 0
  let sb = 0
  let sc = 0
  for (let i = 0; i < n; i++) {
    sa += a[i]
    sb += b[i]
    sc += Math.hypot(a[i], b[i])
  }
  return { hue: (Math.atan2(sb, sa) * 180) / Math.PI, chroma: sc / n }
}

describe('fade and cast correction: behaviour', () => {
  it('a grayscale photo stays exactly grayscale and gets its levels stretched', async () => {
    const gray = scene(120, 80, [0.8, 0.8, 0.8], 0.15)
    expect(isGrayscaleImage(gray, 0)).toBe(true)
    const r = await correctFade(gray)
    expect(r.params.mode).toBe('luminance')
    expect(isGrayscaleImage(r.image, 0)).toBe(true)
    const max = Math.max(...r.image.data)
    const min = Math.min(...r.image.data)
    expect(max - min).toBeGreaterThan(Math.max(...gray.data) - Math.min(...gray.data))
  })

  it('strength 0 changes nothing; strength 0.5 lands between the original and the full correction', async () => {
    const tinted = scene(100, 60, [1, 0.8, 0.6], 0.1)
    const none = await correctFade(tinted, { strength: 0 })
    expect(Buffer.from(none.image.data).equals(Buffer.from(tinted.data))).toBe(true)
    const half = await correctFade(tinted, { strength: 0.5 })
    const full = await correctFade(tinted, { strength: 1 })
    // Levels blend linearly with strength; the saturation step follows it too, so half is about half way.
    const dist = (x: Uint8Array): number => {
      let d = 0
      for (let i = 0; i < x.length; i++) d += Math.abs(x[i] - tinted.data[i])
      return d / x.length
    }
    const ratio = dist(half.image.data) / dist(full.image.data)
    expect(ratio).toBeGreaterThan(0.35)
    expect(ratio).toBeLessThan(0.65)
  })

  it('keep tone keeps a sepia print sepia; neutralise takes the tone out', async () => {
    const sepia = scene(120, 90, [1, 0.82, 0.6], 0.08)
    const before = meanHueAndChroma(sepia)
    const kept = meanHueAndChroma((await correctFade(sepia, { keepTone: true })).image)
    const neutral = meanHueAndChroma((await correctFade(sepia)).image)
    expect(Math.abs(kept.hue - before.hue)).toBeLessThan(8)
    expect(kept.chroma).toBeGreaterThan(0.7 * before.chroma)
    expect(neutral.chroma).toBeLessThan(0.5 * before.chroma)
  })

  it('a few specular pixels (5 in 100,000) do not decide the white point', async () => {
    const img = scene(400, 250, [0.9, 0.75, 0.7], 0.1)
    const spec = { ...img, data: Uint8Array.from(img.data) }
    for (let k = 0; k < 5; k++) spec.data.fill(255, k * 3 * 997, k * 3 * 997 + 3)
    const a = await correctFade(img)
    const b = await correctFade(spec)
    for (let c = 0; c < 3; c++) expect(Math.abs(a.params.white[c] - b.params.white[c])).toBeLessThanOrEqual(2)
  })

  it('a flat image is left alone, and a bad strength is a clear error', async () => {
    const flat = { width: 10, height: 10, data: new Uint8Array(300).fill(128) }
    const r = await correctFade(flat)
    expect(Buffer.from(r.image.data).equals(Buffer.from(flat.data))).toBe(true)
    await expect(correctFade(flat, { strength: 1.5 })).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    await expect(correctFade(flat, { strength: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })
})
