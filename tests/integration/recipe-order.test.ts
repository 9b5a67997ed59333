/**
 * Colourise before or after face restoration? Both orders run on the face photos of ../shared/photos (made gray)
 * with stand-in restorers (identity; a contrast stretch like a restorer sharpening a face) and stand-in colourisers
 * (ddcolor ab contract; deoldify RGB contract), through the real CLI, worker and paste-back. Printed per photo:
 *  - order gap: mean CIEDE2000 between the two orders inside the face boxes;
 *  - seam: mean CIEDE2000, in a band around each face box (where the paste-back fades out), between the recipe's
 *    output and the same photo only colourised; a colour edge at the seam shows as a higher figure;
 *  - lightness: mean |L - L of the gray original| inside the face boxes.
 * The figures and what decided the default are written in src/main/core/pipeline/recipe-steps.ts and the README.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { differenceCiede2000 } from 'culori'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { decodePhoto } from '../../src/main/core/image/decode'
import type { RgbImage } from '../../src/main/core/image/types'
import { rgbToLab } from '../../src/main/core/stages/color/lab'
import { ddcolorLike, deoldifyLike } from '../fixtures/color-graphs'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'
import { encodeModel, f32 } from '../fixtures/onnx-writer'
import { runCliInProcess as cli } from '../helpers/cli-in-process'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

const de2000 = differenceCiede2000()
type Box = [number, number, number, number]

/** Restorer contract with output = 1.3 x input in [-1,1]: more face contrast, the same for every channel. */
function contrastRestorer(): Uint8Array {
  return encodeModel({
    name: 'contrast_restorer',
    inputs: [f32('input', [1, 3, 512, 512])],
    outputs: [f32('output', [1, 3, 512, 512])],
    initializers: [{ name: 'k', type: 'float32', dims: [1], data: Float32Array.from([1.3]) }],
    nodes: [{ op: 'Mul', inputs: ['input', 'k'], outputs: ['output'] }]
  })
}

function meanDe(a: RgbImage, b: RgbImage, keep: (x: number, y: number) => boolean): number {
  let sum = 0
  let n = 0
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (!keep(x, y)) continue
      const j = (y * a.width + x) * 3
      sum += de2000(
        { mode: 'rgb', r: a.data[j] / 255, g: a.data[j + 1] / 255, b: a.data[j + 2] / 255 },
        { mode: 'rgb', r: b.data[j] / 255, g: b.data[j + 1] / 255, b: b.data[j + 2] / 255 }
      )
      n++
    }
  }
  return n ? sum / n : 0
}

const inBox = (b: Box, grow: number) => (x: number, y: number) => {
  const [bx, by, bw, bh] = b
  const dx = (bw * (grow - 1)) / 2
  const dy = (bh * (grow - 1)) / 2
  return x >= bx - dx && x < bx + bw + dx && y >= by - dy && y < by + bh + dy
}
const inAny = (boxes: Box[], grow: number) => (x: number, y: number) => boxes.some((b) => inBox(b, grow)(x, y))
/** The paste-back's fade-out zone: between the box shrunk to 0.8 and grown to 1.6 of its side. */
const band = (boxes: Box[]) => (x: number, y: number) => inAny(boxes, 1.6)(x, y) && !inAny(boxes, 0.8)(x, y)

describeShared('recipe order: colourise before or after face restoration (measured with stand-ins)', () => {
  let dir: string
  let models: string
  const restorers: Record<string, string> = {}
  const colorizers: Record<string, [string, string]> = {}
  const photos = [
    'old_scratched_boy_256x256.png',
    'old_scratched_two_faces_400x256.png',
    'old_scratched_woman_496x624.png',
    'gfpgan_old_family_783x1146.png'
  ]

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-recipe-order-'))
    models = join(dir, 'models')
    await storeWithDetector(models, { landmarks: true })
    restorers.identity = writeGraph(dir, 'identity.onnx', identityRestorer())
    restorers.contrast = writeGraph(dir, 'contrast.onnx', contrastRestorer())
    writeFileSync(join(dir, 'ddcolor.onnx'), ddcolorLike())
    writeFileSync(join(dir, 'deoldify.onnx'), deoldifyLike())
    colorizers.ddcolor = [join(dir, 'ddcolor.onnx'), 'ddcolor']
    colorizers.deoldify = [join(dir, 'deoldify.onnx'), 'deoldify']
    for (const p of photos)
      await sharp(photoPath(p))
        .removeAlpha()
        .grayscale()
        .toFile(join(dir, `gray-${p.replace(/\.\w+$/, '.png')}`))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const common = (): string[] => ['--models-dir', models, '--provider', 'cpu', '--no-credentials']

  it("both orders keep the photo's lightness; the figures are printed for the decision", async () => {
    const rows: string[] = []
    for (const p of photos) {
      const input = join(dir, `gray-${p.replace(/\.\w+$/, '.png')}`)
      const original = (await decodePhoto(input)).image
      const n = original.width * original.height
      const L0 = rgbToLab(original.data, n).L
      for (const [cname, [cfile, family]] of Object.entries(colorizers)) {
        const colourOnly = join(dir, `c-${cname}-${p}.png`)
        const c = await cli([
          'color',
          input,
          '--out',
          colourOnly,
          '--fade',
          'none',
          '--model-file',
          cfile,
          '--model-family',
          family,
          ...common()
        ])
        expect(c.code, c.stderr).toBe(0)
        const ref = (await decodePhoto(colourOnly)).image
        for (const [rname, rfile] of Object.entries(restorers)) {
          const outs: Record<string, RgbImage> = {}
          let boxes: Box[] = []
          for (const order of ['first', 'after'] as const) {
            const out = join(dir, `${order}-${rname}-${cname}-${p}.png`)
            const r = await cli([
              'restore',
              input,
              '--out',
              out,
              '--model-file',
              rfile,
              '--model-kind',
              'gfpgan',
              '--colorize-file',
              cfile,
              '--colorize-family',
              family,
              '--fade',
              'none',
              ...(order === 'after' ? ['--colorize-after'] : []),
              '--json',
              ...common()
            ])
            expect(r.code, r.stderr).toBe(0)
            boxes = JSON.parse(r.stdout).faces.map((f: { box: Box }) => f.box)
            outs[order] = (await decodePhoto(out)).image
          }
          const face = inAny(boxes, 1)
          const gap = meanDe(outs.first, outs.after, face)
          const seam = { first: meanDe(outs.first, ref, band(boxes)), after: meanDe(outs.after, ref, band(boxes)) }
          const dL = { first: 0, after: 0 }
          for (const order of ['first', 'after'] as const) {
            const L = rgbToLab(outs[order].data, n).L
            let s = 0
            let k = 0
            for (let i = 0; i < n; i++) {
              if (!face(i % original.width, Math.floor(i / original.width))) continue
              s += Math.abs(L[i] - L0[i])
              k++
            }
            dL[order] = s / k
          }
          rows.push(
            `${p} ${rname}+${cname}: order gap ${gap.toFixed(2)} dE | seam dE first ${seam.first.toFixed(2)} after ${seam.after.toFixed(2)} | face dL first ${dL.first.toFixed(2)} after ${dL.after.toFixed(2)}`
          )
          // With the identity restorer both orders are the colourised photo up to paste-back rounding.
          if (rname === 'identity') {
            expect(gap).toBeLessThan(1)
            expect(dL.first).toBeLessThan(1)
            expect(dL.after).toBeLessThan(1)
          }
        }
      }
    }
    console.log(`recipe order (colourise first vs after restoration):\n  ${rows.join('\n  ')}`)
  }, 600_000)
})
