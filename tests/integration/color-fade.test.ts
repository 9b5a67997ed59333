import sharp from 'sharp'
import { expect, it } from 'vitest'
import type { RgbImage } from '../../src/main/core/image/types'
import { correctFade } from '../../src/main/core/stages/color/fade'
import { autoLevels, fadePhoto, meanDeltaE2000, type FadeModel } from '../helpers/color-metrics'
import { describeShared, photoPath } from '../helpers/shared-assets'

/** Small copies keep the test light on a shared CPU. */
async function load(name: string, side = 256): Promise<RgbImage> {
  const { data, info } = await sharp(photoPath(name))
    .resize(side, side, { fit: 'inside' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, data: new Uint8Array(data) }
}

const MODELS: FadeModel[] = [
  // Cyan dye gone first: a red/magenta cast, flat contrast.
  { name: 'magenta', contrast: 0.68, gamma: [0.75, 1.15, 0.95], offset: [0.14, 0.05, 0.1], cast: [0.04, 0, 0.02] },
  // Yellowed print: blue crushed, lifted blacks.
  { name: 'yellow', contrast: 0.7, gamma: [0.9, 0.95, 1.35], offset: [0.12, 0.1, 0.02], cast: [0.03, 0.02, -0.02] },
  // Mild fade with a cool cast.
  { name: 'cool', contrast: 0.8, gamma: [1.15, 1.0, 0.85], offset: [0.05, 0.08, 0.12], cast: [0, 0, 0.02] }
]
// Clean colour photos only: the old snapshots in ../shared are already faded, so they cannot be the truth.
const PHOTOS = ['astronaut_512.png', 'gfpgan_aligned512_Adele.png', 'gfpgan_large_scan_1297x1920.jpg']

describeShared('fade and cast correction (measured, CIEDE2000 to the clean photo)', () => {
  it('improves every faded photo and beats plain per-channel auto-levels clearly on average', async () => {
    const rows: string[] = []
    let sumFaded = 0
    let sumAnchor = 0
    let sumOurs = 0
    let count = 0
    const results: { dFaded: number; dAnchor: number; dOurs: number }[] = []
    for (const name of PHOTOS) {
      const clean = await load(name)
      for (const model of MODELS) {
        const faded = fadePhoto(clean, model)
        const fixed = await correctFade(faded)
        const ours = fixed.image
        const anchor = autoLevels(faded)
        const dFaded = meanDeltaE2000(faded, clean)
        const dAnchor = meanDeltaE2000(anchor, clean)
        const dOurs = meanDeltaE2000(ours, clean)
        rows.push(
          `${name.padEnd(32)} ${model.name.padEnd(8)} faded ${dFaded.toFixed(2)}  auto-levels ${dAnchor.toFixed(2)}  ours ${dOurs.toFixed(2)} ${JSON.stringify(fixed.params)}`
        )
        results.push({ dFaded, dAnchor, dOurs })
        sumFaded += dFaded
        sumAnchor += dAnchor
        sumOurs += dOurs
        count++
      }
    }
    rows.push(
      `mean: faded ${(sumFaded / count).toFixed(2)}  auto-levels ${(sumAnchor / count).toFixed(2)}  ours ${(sumOurs / count).toFixed(2)}`
    )
    console.log(`[color-fade] mean CIEDE2000 to the clean photo\n${rows.join('\n')}`)
    for (const r of results) {
      expect(r.dOurs).toBeLessThan(0.8 * r.dFaded)
    }
    // "Clearly better": at least a fifth less colour error than the anchor, on average (measured: 5.6 vs 7.5).
    expect(sumOurs / count).toBeLessThan(0.8 * (sumAnchor / count))
    // And the anchor does not win by much anywhere (measured worst case: 7.8 vs 6.0).
    for (const r of results) expect(r.dOurs).toBeLessThan(1.4 * r.dAnchor)
  }, 60_000)
})
