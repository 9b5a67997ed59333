/**
 * Repair, measured on a synthetic-damage corpus built here from clean photos in ../shared/photos (curves 1-4 px wide,
 * light and dark, contrast 0.45-0.95; dust specks; a torn corner; ground truth known).
 *
 * Targets (set from what this test measured on 2026-11-29, sensitivity 0.5; see the printed table):
 * - detection: recall of damaged pixels 0.40 (astronaut), 0.63 (Adele), 0.51 (faded boy). Torn corners are found
 *   (~0.92 alone) and clean scratches on smooth photos too (~0.8-0.85 alone), but faint or curly scratches, crossings
 *   and scratches over texture are missed. Floors: 0.3 / 0.5 / 0.4. False mask area (outside the truth grown by
 *   2 px) <= 3 % of the photo (measured 0.13-1.28 %); inside face boxes <= 1.5 % of the face area (measured
 *   0.00-1.02 %). Eyes and mouth corners: 0 masked pixels, always.
 * - classic repair with the true mask: PSNR gain >= 8 dB on every photo (measured +9.5, +21.5, +14.2 dB), SSIM up.
 *   With today's auto mask the gain is small (21.00 -> 20.85, 20.37 -> 20.82, 25.94 -> 28.35 dB): the misses cap it.
 * - lama through a stand-in of its published contract (a 15 px normalised box fill, not LaMa) on scratches and dust
 *   with the true mask: PSNR gain >= 6 dB (measured 23.30 -> 32.82 dB, 4 windows; the stand-in cannot fill a torn
 *   corner's interior, so the corner is left out of this case).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../src/main/core/engine'
import { decodePhoto } from '../../src/main/core/image/decode'
import type { RgbImage } from '../../src/main/core/image/types'
import { detectFaces } from '../../src/main/core/stages/detect'
import { detectDamage, inpaintClassic, inpaintLama, LAMA_CONTRACT } from '../../src/main/core/stages/repair'
import type { Face } from '../../src/shared/faces'
import { lamaStandIn } from '../fixtures/lama-graphs'
import { psnr, ssim } from '../helpers/image-quality'
import { describeShared, modelPath, photoPath } from '../helpers/shared-assets'
import { addDamage, scoreDetection, type DamagedPhoto } from '../helpers/synthetic-damage'

const PHOTOS = [
  { name: 'astronaut_512.png', minRecall: 0.3 },
  { name: 'gfpgan_aligned512_Adele.png', minRecall: 0.5 },
  { name: 'old_faded_boy_glasses_298x450.png', minRecall: 0.4 }
]

interface Case {
  name: string
  clean: RgbImage
  damaged: DamagedPhoto
  faces: Face[]
}

describeShared('repair measured on synthetic damage', () => {
  let dir: string
  let engine: Engine
  const cases: Case[] = []
  const rows: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-repair-measure-'))
    engine = createEngine({ modelsDir: join(dir, 'models') })
    for (const [i, p] of PHOTOS.entries()) {
      const clean = (await decodePhoto(photoPath(p.name))).image
      const faces = (
        await detectFaces(engine, clean, {
          detector: { file: modelPath('yunet_s_640_640.onnx'), kind: 'detector', family: 'yunet' },
          verify: 'never'
        })
      ).faces
      cases.push({ name: p.name, clean, faces, damaged: addDamage(clean, { seed: 100 + i, tornCorner: true }) })
    }
  }, 120_000)

  afterAll(async () => {
    console.log(['repair measurements (sensitivity 0.5):', ...rows].join('\n'))
    await engine.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('auto mask: recall, false area (whole photo and inside faces), eyes and mouth never masked', async () => {
    for (const [i, c] of cases.entries()) {
      const { width, height } = c.clean
      expect(c.faces.length).toBeGreaterThan(0)
      const det = await detectDamage(c.damaged.image, c.faces, { sensitivity: 0.5 })
      const boxes = c.faces.map((f) => ({
        x0: f.box[0],
        y0: f.box[1],
        x1: f.box[0] + f.box[2],
        y1: f.box[1] + f.box[3]
      }))
      const s = scoreDetection(det.mask.data, c.damaged.truth, width, height, boxes)
      rows.push(
        `  ${c.name.padEnd(36)} recall ${s.recall.toFixed(3)}  false ${s.falsePct.toFixed(2)} %  ` +
          `in faces: recall ${s.faceRecall!.toFixed(3)} false ${s.faceFalsePct!.toFixed(2)} %  regions ${det.regions.length}`
      )
      expect(s.recall).toBeGreaterThanOrEqual(PHOTOS[i].minRecall)
      expect(s.falsePct).toBeLessThanOrEqual(3)
      expect(s.faceFalsePct!).toBeLessThanOrEqual(1.5)
      // Eyes and mouth corners (lashes, lip lines): nothing masked within a few pixels of them.
      for (const f of c.faces) {
        for (const [k, [px, py]] of f.landmarks.entries()) {
          if (k === 2) continue
          for (let dy = -2; dy <= 2; dy++) {
            for (let dx = -2; dx <= 2; dx++) {
              const x = Math.round(px) + dx
              const y = Math.round(py) + dy
              if (x >= 0 && y >= 0 && x < width && y < height) expect(det.mask.data[y * width + x]).toBe(0)
            }
          }
        }
      }
    }
  }, 120_000)

  it('classic repair: PSNR / SSIM before and after (true mask and auto mask)', async () => {
    for (const c of cases) {
      const truthMask = { width: c.clean.width, height: c.clean.height, data: c.damaged.truth }
      const before = psnr(c.clean, c.damaged.image)
      const fixed = await inpaintClassic(c.damaged.image, truthMask)
      const after = psnr(c.clean, fixed)
      const det = await detectDamage(c.damaged.image, c.faces, { sensitivity: 0.5 })
      const auto = psnr(c.clean, await inpaintClassic(c.damaged.image, det.mask))
      const s0 = ssim(c.clean, c.damaged.image)
      const s1 = ssim(c.clean, fixed)
      rows.push(
        `  ${c.name.padEnd(36)} classic PSNR ${before.toFixed(2)} -> ${after.toFixed(2)} dB (+${(after - before).toFixed(2)}) ` +
          `true mask, ${auto.toFixed(2)} dB auto mask; SSIM ${s0.toFixed(4)} -> ${s1.toFixed(4)}`
      )
      expect(after - before).toBeGreaterThanOrEqual(8)
      expect(s1).toBeGreaterThan(s0)
      // Outside the mask the photo is untouched, byte for byte.
      for (let i = 0; i < truthMask.data.length; i++) {
        if (truthMask.data[i]) continue
        if (fixed.data[i * 3] !== c.damaged.image.data[i * 3]) throw new Error(`pixel ${i} changed outside the mask`)
      }
    }
  }, 120_000)

  it('lama route through a stand-in of the published contract: PSNR gain', async () => {
    const file = join(dir, 'lama-standin.onnx')
    writeFileSync(file, lamaStandIn())
    const model = await engine.openModel({ file, kind: 'inpainter', family: 'lama', contract: LAMA_CONTRACT })
    const c = cases[0]
    // Scratches and dust only: the stand-in's 15 px box cannot reach into a torn corner.
    const damaged = addDamage(c.clean, { seed: 100 })
    const truthMask = { width: c.clean.width, height: c.clean.height, data: damaged.truth }
    let windows = 0
    const out = await inpaintLama(model.session, damaged.image, truthMask, { onWindow: (d) => (windows = d) })
    const before = psnr(c.clean, damaged.image)
    const after = psnr(c.clean, out)
    rows.push(
      `  ${c.name.padEnd(36)} lama stand-in PSNR ${before.toFixed(2)} -> ${after.toFixed(2)} dB in ${windows} window(s)`
    )
    expect(windows).toBeGreaterThan(0)
    expect(after - before).toBeGreaterThanOrEqual(6)
  }, 120_000)
})
