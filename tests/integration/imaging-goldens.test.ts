import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import type { Landmarks5 } from '../../src/shared/faces'
import { alignAffine } from '../../src/main/core/geometry/templates'
import type { Affine } from '../../src/main/core/geometry/types'
import { decodePhoto } from '../../src/main/core/image/decode'
import type { RgbImage } from '../../src/main/core/image/types'
import { warpAffineRgb } from '../../src/main/core/warp/crop'
import { pasteBack } from '../../src/main/core/warp/paste'
import { describeShared, goldenPath, sharedPath } from '../helpers/shared-assets'

interface GoldenEntry {
  photo: string
  face: number
  landmarks5: [number, number][]
  affine_2x3: [number[], number[]]
  crop512: string
  paste_of_inverted_crop: string
}

function psnr(a: RgbImage, b: RgbImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height])
  let se = 0
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i]
    se += d * d
  }
  const mse = se / a.data.length
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse)
}

describeShared('imaging goldens (OpenCV 4.6 references)', () => {
  const entries = JSON.parse(readFileSync(goldenPath('index.json'), 'utf8')) as GoldenEntry[]

  it('lists the 9 reference faces', () => {
    expect(entries.length).toBe(9)
  })

  for (const g of entries) {
    const name = g.crop512.replace(/^goldens\//, '').replace(/_crop512\.png$/, '')

    it(`${name}: similarity fit + warpAffineRgb reproduce the 512 crop (PSNR >= 40 dB)`, async () => {
      const photo = await decodePhoto(sharedPath(g.photo))
      const ref = await decodePhoto(sharedPath(g.crop512))
      const m = alignAffine(g.landmarks5 as Landmarks5, 'ffhq_512', 512)
      const golden = [...g.affine_2x3[0], ...g.affine_2x3[1]]
      // Least squares vs LMEDS: the matrices agree closely.
      m.forEach((v, i) => expect(Math.abs(v - golden[i])).toBeLessThan(i % 3 === 2 ? 3 : 0.02))
      const crop = warpAffineRgb(photo.image, m, 512, 512)
      const p = psnr(crop, ref.image)
      const pExact = psnr(warpAffineRgb(photo.image, golden as unknown as Affine, 512, 512), ref.image)
      console.log(`[goldens] ${name} crop512 PSNR ${p.toFixed(2)} dB (with the golden matrix: ${pExact.toFixed(2)} dB)`)
      expect(p).toBeGreaterThanOrEqual(40)
    })

    it(`${name}: pasting the inverted crop with the facexlib mask reproduces the reference (PSNR >= 30 dB)`, async () => {
      const photo = await decodePhoto(sharedPath(g.photo))
      const ref = await decodePhoto(sharedPath(g.paste_of_inverted_crop))
      const crop = await decodePhoto(sharedPath(g.crop512))
      const inverted: RgbImage = { ...crop.image, data: crop.image.data.map((v) => 255 - v) }
      const m = alignAffine(g.landmarks5 as Landmarks5, 'ffhq_512', 512)
      const before = photo.image.data.slice()
      const box = pasteBack(photo.image, inverted, m, { mask: 'facexlib' })
      const p = psnr(photo.image, ref.image)
      // Everything outside the returned box is untouched.
      const [bx, by, bw, bh] = box
      let outsideChanged = 0
      for (let y = 0; y < photo.image.height; y++) {
        for (let x = 0; x < photo.image.width; x++) {
          if (x >= bx && x < bx + bw && y >= by && y < by + bh) continue
          const i = (y * photo.image.width + x) * 3
          if (photo.image.data[i] !== before[i]) outsideChanged++
        }
      }
      console.log(
        `[goldens] ${name} paste_inverted PSNR ${p.toFixed(2)} dB over ${photo.image.width}x${photo.image.height}, box ${box.join(',')}`
      )
      expect(outsideChanged).toBe(0)
      expect(bw * bh).toBeLessThan(photo.image.width * photo.image.height)
      expect(p).toBeGreaterThanOrEqual(30)
    })
  }
})
