import sharp from 'sharp'
import { expect, it } from 'vitest'
import type { RgbImage } from '../../src/main/core/image/types'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import { upscaleTiled } from '../../src/main/core/stages/upscale'
import { describeShared, modelPath, photoPath } from '../helpers/shared-assets'

async function rawCrop(file: string, left: number, top: number, width: number, height: number): Promise<RgbImage> {
  const { data, info } = await sharp(file)
    .removeAlpha()
    .extract({ left, top, width, height })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, data: new Uint8Array(data) }
}

function psnr(a: RgbImage, b: RgbImage): number {
  let se = 0
  for (let i = 0; i < a.data.length; i++) se += (a.data[i] - b.data[i]) ** 2
  const mse = se / a.data.length
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse)
}

/** Mean squared horizontal difference across the columns x-1|x, over all rows and channels. */
function colEnergy(img: RgbImage, x: number): number {
  let e = 0
  for (let y = 0; y < img.height; y++) {
    for (let c = 0; c < 3; c++) {
      const d = img.data[(y * img.width + x) * 3 + c] - img.data[(y * img.width + x - 1) * 3 + c]
      e += d * d
    }
  }
  return e / (img.height * 3)
}

function rowEnergy(img: RgbImage, y: number): number {
  let e = 0
  for (let x = 0; x < img.width; x++) {
    for (let c = 0; c < 3; c++) {
      const d = img.data[(y * img.width + x) * 3 + c] - img.data[((y - 1) * img.width + x) * 3 + c]
      e += d * d
    }
  }
  return e / (img.width * 3)
}

describeShared('Real-ESRGAN animevideov3 x4 tiling (real model)', () => {
  it('tiled and untiled outputs agree and tile boundaries carry no extra gradient energy', async () => {
    const session = await openSession(modelPath('realesr-animevideov3_x4.onnx'), { provider: 'cpu' })
    try {
      const img = await rawCrop(photoPath('gfpgan_old_family_783x1146.png'), 300, 100, 150, 110)
      const whole = await upscaleTiled(session, img, { scale: 4, tile: 1000 })
      const tiles: number[] = []
      const tiled = await upscaleTiled(session, img, {
        scale: 4,
        tile: 50,
        overlap: 10,
        onTile: (_, total) => tiles.push(total)
      })
      expect(tiles.length).toBe(9)
      expect(tiled.width).toBe(600)
      expect(tiled.height).toBe(440)
      const p = psnr(whole, tiled)
      console.log(`tiled vs untiled PSNR ${p.toFixed(2)} dB`)
      expect(p).toBeGreaterThanOrEqual(45)

      // Seams: energy across the core boundaries (x = 50, 100; y = 37, 73 in input px) vs every other column/row.
      const seamCols = [200, 400]
      const seamRows = [Math.round(110 / 3) * 4, Math.round(220 / 3) * 4]
      const others: number[] = []
      for (let x = 1; x < tiled.width; x++)
        if (!seamCols.some((s) => Math.abs(s - x) <= 24)) others.push(colEnergy(tiled, x))
      const mean = others.reduce((s, v) => s + v, 0) / others.length
      for (const s of seamCols) {
        // Compare against the untiled output at the same column so image content does not count as a seam.
        const ratio = colEnergy(tiled, s) / Math.max(1, colEnergy(whole, s))
        console.log(
          `seam col ${s}: tiled/untiled energy ${ratio.toFixed(3)}, vs mean column ${(colEnergy(tiled, s) / mean).toFixed(3)}`
        )
        expect(ratio).toBeLessThan(1.1)
      }
      for (const s of seamRows) {
        const ratio = rowEnergy(tiled, s) / Math.max(1, rowEnergy(whole, s))
        console.log(`seam row ${s}: tiled/untiled energy ${ratio.toFixed(3)}`)
        expect(ratio).toBeLessThan(1.1)
      }

      // Hard seams (no context, no cross-fade) must be measurably worse, so the check above can fail.
      const hard = await upscaleTiled(session, img, { scale: 4, tile: 50, overlap: 0 })
      expect(psnr(whole, hard)).toBeLessThan(p)
    } finally {
      await session.dispose()
    }
  }, 120_000)
})
