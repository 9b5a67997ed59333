/**
 * Restore pipeline benchmark: per-face time split into align / model / post / paste on a 12 MP photo with the
 * identity stand-in restorer (1 and 5 faces), and the tiled background upscaler's overhead against one untiled run.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import type { Face, Landmarks5 } from '../src/shared/faces'
import { boxOfPoints } from '../src/main/core/geometry/boxes'
import { decodePhoto } from '../src/main/core/image/decode'
import { EditSession } from '../src/main/core/pipeline/edit-session'
import { restoreOperation } from '../src/main/core/operations/restore/face-operation'
import { pasteBack } from '../src/main/core/warp/paste'
import { openSession } from '../src/main/core/runtime/ort-adapter'
import { upscaleTiled } from '../src/main/core/stages/upscale'
import { identityRestorer } from '../tests/fixtures/model-graphs'
import { restorerEntry } from '../tests/integration/restore-models'

const TMP = '/tmp/heirloom-bench'
// Not tests/helpers/shared-assets: that module imports vitest, which cannot load outside a test run.
const SHARED = resolve(process.env.HEIRLOOM_SHARED_DIR ?? join(__dirname, '..', '..', 'shared'))
const photoPath = (name: string): string => join(SHARED, 'photos', name)
const modelPath = (name: string): string => join(SHARED, 'models', name)
const BUDGET_MS = 50

async function photo12mp(): Promise<string> {
  mkdirSync(TMP, { recursive: true })
  const file = join(TMP, 'large_scan_12mp.png')
  if (!existsSync(file))
    await sharp(photoPath('gfpgan_large_scan_1297x1920.jpg'))
      .resize(2828, 4186)
      .png({ compressionLevel: 1 })
      .toFile(file)
  return file
}

/** The large scan's two reference faces scaled to 12 MP, plus shifted copies to reach `n` faces. */
function faces(n: number, scale: number): Face[] {
  const base: Landmarks5[] = [
    [
      [559, 854],
      [625, 851],
      [605, 894],
      [564, 916],
      [620, 913]
    ],
    [
      [810, 457],
      [882, 454],
      [849, 500],
      [822, 526],
      [882, 522]
    ]
  ]
  const out: Face[] = []
  for (let i = 0; i < n; i++) {
    const b = base[i % 2]
    const dy = Math.floor(i / 2) * 250
    const landmarks = b.map(([x, y]) => [x * scale, y * scale + dy]) as Landmarks5
    out.push({ box: boxOfPoints(landmarks), score: 1, landmarks })
  }
  return out
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export async function bench(): Promise<void> {
  const file = await photo12mp()
  const photo = await decodePhoto(file)
  const mp = (photo.image.width * photo.image.height) / 1e6
  console.log(`photo ${photo.image.width}x${photo.image.height} (${mp.toFixed(1)} MP)`)
  const session = await openSession(identityRestorer(), { provider: 'cpu' })
  const model = { entry: restorerEntry('identity-bench'), path: 'identity.onnx', session }
  const op = restoreOperation(model)
  const scale = photo.image.width / 1297
  // Warm-up pass so JIT compilation and ORT's first-run allocations do not count against the budget.
  await new EditSession(photo, faces(2, scale)).applyOperation(op)
  for (const n of [1, 5]) {
    const rows: { align: number; model: number; post: number }[] = []
    const pastes: number[] = []
    for (let rep = 0; rep < 5; rep++) {
      const s = new EditSession(photo, faces(n, scale))
      const layers = await s.applyOperation(op, { strength: 0.8 })
      for (const l of layers) rows.push({ align: l.timings.align, model: l.timings.model, post: l.timings.post })
      // Paste exactly as compose() does, on a copy made outside the timer.
      const target = { ...photo.image, data: photo.image.data.slice() }
      const t0 = performance.now()
      for (const l of layers) pasteBack(target, l.crop, l.affine, { strength: l.strength, mask: l.mask })
      pastes.push((performance.now() - t0) / n)
    }
    const align = median(rows.map((r) => r.align))
    const modelMs = median(rows.map((r) => r.model))
    const post = median(rows.map((r) => r.post))
    const paste = median(pastes)
    const overhead = align + post + paste
    console.log(
      `${n} face(s): per face align ${align.toFixed(1)} ms | model (session.run) ${modelMs.toFixed(1)} ms | post ${post.toFixed(1)} ms | paste ${paste.toFixed(1)} ms` +
        ` => non-model ${overhead.toFixed(1)} ms/face (budget ${BUDGET_MS} ms: ${overhead <= BUDGET_MS ? 'OK' : 'OVER'}, ${(overhead / BUDGET_MS).toFixed(2)}x budget)`
    )
  }
  const t0 = performance.now()
  const copy = photo.image.data.slice()
  console.log(
    `(compose also copies the ${mp.toFixed(1)} MP original once per call: ${(performance.now() - t0).toFixed(1)} ms, ${copy.length} bytes)`
  )
  await session.dispose()

  const up = await openSession(modelPath('realesr-animevideov3_x4.onnx'), { provider: 'cpu' })
  const { data, info } = await sharp(photoPath('gfpgan_old_family_783x1146.png'))
    .removeAlpha()
    .extract({ left: 250, top: 80, width: 256, height: 192 })
    .raw()
    .toBuffer({ resolveWithObject: true })
  const small = { width: info.width, height: info.height, data: new Uint8Array(data) }
  await upscaleTiled(up, small, { scale: 4, tile: 1000 })
  const time = async (tile: number): Promise<number> => {
    const ts: number[] = []
    for (let i = 0; i < 3; i++) {
      const t = performance.now()
      await upscaleTiled(up, small, { scale: 4, tile, overlap: 10 })
      ts.push(performance.now() - t)
    }
    return median(ts)
  }
  const whole = await time(1000)
  for (const tile of [128, 64]) {
    const tiled = await time(tile)
    console.log(
      `upscaler 256x192 x4: untiled ${whole.toFixed(0)} ms | tiles of ${tile} px (+10 px context) ${tiled.toFixed(0)} ms | overhead ${(tiled / whole).toFixed(2)}x`
    )
  }
  await up.dispose()
}
