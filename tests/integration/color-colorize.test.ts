import { converter } from 'culori'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodePhoto } from '../../src/main/core/image/decode'
import type { RgbImage } from '../../src/main/core/image/types'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import type { ModelSession } from '../../src/main/core/runtime/types'
import { colorizeImage, upsampleRow } from '../../src/main/core/stages/color/colorize'
import { ddcolorLike, deoldifyLike } from '../fixtures/color-graphs'
import { describeShared, photoPath } from '../helpers/shared-assets'

const toLab = converter('lab65')

function labOf(img: RgbImage, i: number): { l: number; a: number; b: number } {
  const j = i * 3
  const c = toLab({ mode: 'rgb', r: img.data[j] / 255, g: img.data[j + 1] / 255, b: img.data[j + 2] / 255 })
  return { l: c.l, a: c.a, b: c.b }
}

/** A horizontal gray ramp, 0 at the left to 255 at the right. */
function ramp(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data.fill(Math.round((255 * x) / (width - 1)), (y * width + x) * 3, (y * width + x) * 3 + 3)
  return { width, height, data }
}

let ffDdcolor: ModelSession
let ownExport: ModelSession
let deoldify: ModelSession

beforeAll(async () => {
  ffDdcolor = await openSession(ddcolorLike({ outputName: 'ab' }), { provider: 'cpu', label: 'ddcolor stand-in' })
  ownExport = await openSession(ddcolorLike({ fixed: 512 }), { provider: 'cpu', label: 'DDColor export stand-in' })
  deoldify = await openSession(deoldifyLike(), { provider: 'cpu', label: 'deoldify stand-in' })
})
afterAll(async () => {
  await Promise.all([ffDdcolor, ownExport, deoldify].map((s) => s?.dispose()))
})

describe('colourisers through onnxruntime with the published contracts', () => {
  it('ddcolor (FaceFusion): input is gray/255, the ab output comes back in Lab units', async () => {
    const img = ramp(300, 40)
    const r = await colorizeImage(ffDdcolor, 'ddcolor', img, { renderSize: 192 })
    expect(r.renderSize).toBe(192)
    // Mid-ramp pixel (gray 128): the stand-in says a = 60*128/255 - 30 = 0.1, b = 40 - 50*128/255 = 14.9.
    const mid = labOf(r.image, 20 * 300 + 150)
    expect(mid.a).toBeCloseTo(0.1, 0)
    expect(Math.abs(mid.b - 14.9)).toBeLessThan(1.5)
    // A light pixel: a > 0 (reddish), b < 0 (bluish) as the stand-in says; fed 0..255 instead, the chroma would explode.
    const light = labOf(r.image, 20 * 300 + 260)
    expect(light.a).toBeGreaterThan(15)
    expect(light.b).toBeLessThan(0)
  })

  it("DDColor's own export ([B,3,512,512] -> output [B,2,512,512]) runs at its fixed 512 whatever is asked", async () => {
    const r = await colorizeImage(ownExport, 'ddcolor', ramp(200, 30), { renderSize: 256 })
    expect(r.renderSize).toBe(512)
    expect(labOf(r.image, 15 * 200 + 170).a).toBeGreaterThan(10)
  })

  it('deoldify: input is raw 0..255 gray RGB, output RGB 0..255 gives the a, b', async () => {
    const r = await colorizeImage(deoldify, 'deoldify', ramp(256, 20), { renderSize: 256 })
    // The stand-in tints warm (B scaled down): b* clearly positive in the midtones.
    const c = labOf(r.image, 10 * 256 + 128)
    expect(c.b).toBeGreaterThan(10)
  })

  it('blend 0 gives back the gray photo; blend scales the chroma', async () => {
    const img = ramp(120, 10)
    const none = await colorizeImage(deoldify, 'deoldify', img, { blend: 0, renderSize: 192 })
    expect(Buffer.from(none.image.data).equals(Buffer.from(img.data))).toBe(true)
    const half = await colorizeImage(deoldify, 'deoldify', img, { blend: 0.5, renderSize: 192 })
    const full = await colorizeImage(deoldify, 'deoldify', img, { blend: 1, renderSize: 192 })
    const i = 5 * 120 + 60
    expect(labOf(half.image, i).b / labOf(full.image, i).b).toBeCloseTo(0.5, 1)
  })

  it('a graph with the wrong output for its family is a MODEL_CONTRACT error, not a crash', async () => {
    await expect(colorizeImage(deoldify, 'ddcolor', ramp(64, 64), { renderSize: 192 })).rejects.toMatchObject({
      code: 'MODEL_CONTRACT'
    })
    await expect(colorizeImage(deoldify, 'deoldify', ramp(64, 64), { blend: 2 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST'
    })
  })

  it('chroma is upsampled smoothly: between model pixels the values are interpolated, never held in blocks', () => {
    // A 4x4 checkerboard of chroma stretched 64 times: nearest would give 64-wide plateaus; bilinear has none.
    const side = 4
    const src = Float32Array.from({ length: 16 }, (_, k) => (((k % 4) + Math.floor(k / 4)) % 2 === 0 ? -40 : 40))
    const row = new Float32Array(256)
    upsampleRow(src, side, 256, 256, row, 100)
    // A run of three equal values is a plateau (a lone equal pair is just the top of a peak).
    let plateaus = 0
    for (let x = 40; x < 216; x++) if (row[x + 1] === row[x] && row[x + 2] === row[x + 1]) plateaus++
    expect(plateaus).toBe(0)
    for (let x = 0; x < 255; x++) expect(Math.abs(row[x + 1] - row[x])).toBeLessThanOrEqual(80 / 64 + 1e-4)
  })
})

describeShared('colourising a real photo keeps its own lightness at full resolution', () => {
  it('output L equals input L within 8-bit rounding at every pixel (camera_gray8_512, S = 256)', async () => {
    const photo = await decodePhoto(photoPath('camera_gray8_512.png'))
    expect(photo.grayscale).toBe(true)
    for (const [session, family] of [
      [ffDdcolor, 'ddcolor'],
      [deoldify, 'deoldify']
    ] as const) {
      const r = await colorizeImage(session, family, photo.image, { renderSize: 256 })
      expect([r.image.width, r.image.height]).toEqual([512, 512])
      let maxDiff = 0
      let sumChroma = 0
      const n = 512 * 512
      for (let i = 0; i < n; i++) {
        const before = labOf(photo.image, i)
        const after = labOf(r.image, i)
        maxDiff = Math.max(maxDiff, Math.abs(after.l - before.l))
        sumChroma += Math.hypot(after.a, after.b)
      }
      console.log(
        `[color-colorize] ${family}: max |dL| ${maxDiff.toFixed(3)}, mean chroma ${(sumChroma / n).toFixed(1)}`
      )
      expect(maxDiff).toBeLessThan(1)
      expect(sumChroma / n).toBeGreaterThan(5)
    }
  }, 60_000)

  it('a colour photo forced through keeps its own lightness too (not its gray luma)', async () => {
    const { data, info } = await sharp(photoPath('astronaut_512.png'))
      .resize(128)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
    const img = { width: info.width, height: info.height, data: new Uint8Array(data) }
    const r = await colorizeImage(deoldify, 'deoldify', img, { renderSize: 192 })
    let maxDiff = 0
    for (let i = 0; i < 128 * 128; i++) maxDiff = Math.max(maxDiff, Math.abs(labOf(r.image, i).l - labOf(img, i).l))
    expect(maxDiff).toBeLessThan(1)
  })

  it('a 6x upscale of the chroma shows no block edges on a real photo (S = 192 on a 1152 px copy)', async () => {
    const { data, info } = await sharp(photoPath('camera_gray8_512.png'))
      .resize(1152, 1152)
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
    const img = { width: info.width, height: info.height, data: new Uint8Array(data) }
    const r = await colorizeImage(ffDdcolor, 'ddcolor', img, { renderSize: 192 })
    expect([r.image.width, r.image.height]).toEqual([1152, 1152])
    // Blocky (nearest) chroma puts every change of a* at one phase of the 6-px cell grid; smooth chroma spreads it
    // evenly over the six phases.
    const sum = new Float64Array(6)
    const count = new Float64Array(6)
    for (let y = 0; y < 1152; y += 8) {
      let prev = labOf(r.image, y * 1152).a
      for (let x = 0; x + 1 < 1152; x++) {
        const next = labOf(r.image, y * 1152 + x + 1).a
        sum[x % 6] += Math.abs(next - prev)
        count[x % 6]++
        prev = next
      }
    }
    const perPhase = Array.from(sum, (v, k) => v / count[k])
    const ratio = Math.max(...perPhase) / Math.min(...perPhase)
    console.log(`[color-colorize] mean |da*| per phase of the 6-px grid, max/min: ${ratio.toFixed(2)}`)
    expect(ratio).toBeLessThan(1.5)
  }, 60_000)
})
