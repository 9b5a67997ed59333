import { join } from 'node:path'
import sharp from 'sharp'
import { expect, type Page, test } from '@playwright/test'
import { decodePhoto } from '../../src/main/core/image/decode'
import type { RgbImage } from '../../src/main/core/image/types'
import { type DamageMask, detectDamage, readMask } from '../../src/main/core/stages/repair'
import { type AppUnderTest, launchApp } from './support/bridge'
import {
  close,
  photoCopy,
  pixelAt,
  prepareModels,
  requireEditorPrereqs,
  SCREENS,
  sha256,
  stageView
} from './support/editor-fixtures'

interface MaskStage {
  container(): HTMLElement
  findOne(sel: string):
    | {
        getCanvas(): { _canvas: HTMLCanvasElement }
        radius(): number
        visible(): boolean
        image(): HTMLCanvasElement
      }
    | undefined
}

/** Alpha of the mask overlay's own canvas (working size = photo size here) at image pixel (x, y). */
async function maskAlpha(page: Page, x: number, y: number): Promise<number> {
  return page.evaluate(
    ([ix, iy]) => {
      const w = window as unknown as { Konva: { stages: MaskStage[] } }
      const stage = w.Konva.stages.find((s) => s.container().closest('[data-testid="stage-main"]'))!
      const img = stage.findOne('.mask-overlay')!.image()
      return img.getContext('2d')!.getImageData(ix, iy, 1, 1).data[3]
    },
    [x, y] as const
  )
}

async function brushRadius(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const w = window as unknown as { Konva: { stages: MaskStage[] } }
    const stage = w.Konva.stages.find((s) => s.container().closest('[data-testid="stage-main"]'))!
    return stage.findOne('.brush-cursor')?.radius() ?? null
  })
}

const area = async (page: Page): Promise<number> =>
  Number(await page.getByTestId('repair-area').getAttribute('data-area'))

test.describe('repair: the damage mask is painted on the photo', () => {
  requireEditorPrereqs()

  let app: AppUnderTest
  test.afterEach(async () => {
    await app?.close()
  })

  test('M paints with the brush, E erases, [ ] resize, Ctrl+Z undoes a stroke, Clear empties; fast strokes leave no gap', async () => {
    const photo = photoCopy('old_scratched_woman_496x624.png')
    app = await launchApp({ modelsDir: await prepareModels(), dropDir: photo.dir })
    const { page } = app
    app.dialogAnswers.push(photo.path)
    await page.getByTestId('open-photo').click()
    await expect(page.getByTestId('repair-section')).toBeVisible()
    // Main offers the repair calls: nothing says otherwise, Detect and Repair (auto) are ready.
    await expect(page.getByTestId('repair-unavailable')).toHaveCount(0)
    await expect(page.getByTestId('repair-detect')).toBeEnabled()
    await expect(page.getByTestId('repair-run')).toHaveText('Repair (detect automatically)')

    await page.keyboard.press('m')
    await expect(page.getByTestId('canvas-host')).toHaveClass(/tool-mask/)
    await expect(page.getByTestId('repair-paint')).toHaveAttribute('aria-pressed', 'true')
    expect(await area(page)).toBe(0)

    const v = await stageView(page)
    const at = (x: number, y: number): [number, number] => [v.left + v.x + x * v.scale, v.top + v.y + y * v.scale]
    // Brush size in photo pixels; the cursor circle has that radius in image space whatever the zoom.
    await page.getByTestId('repair-hardness').fill('1')
    const sizeNow = async (): Promise<number> =>
      Number((await page.getByTestId('repair-size').locator('..').textContent())?.match(/Size (\d+)/)?.[1])
    const size0 = await sizeNow()
    await page.mouse.move(...at(100, 100))
    await page.mouse.move(...at(101, 100))
    expect(await brushRadius(page)).toBeCloseTo(size0 / 2)
    // The hardness slider still has focus: [ and ] act on the brush all the same.
    await expect(page.getByTestId('repair-hardness')).toBeFocused()
    for (let k = 0; k < 3; k++) await page.keyboard.press(']')
    const size1 = await sizeNow()
    expect(size1).toBeGreaterThan(size0)
    await page.keyboard.press('[')
    const size2 = await sizeNow()
    expect(size2).toBeLessThan(size1)

    // One fast stroke: a single pointer move across the photo (no intermediate samples).
    await page.mouse.move(...at(40, 300))
    await page.mouse.down()
    await page.mouse.move(...at(450, 330), { steps: 1 })
    await page.mouse.up()
    const afterStroke = await area(page)
    expect(afterStroke).toBeGreaterThan(0)
    await expect(page.getByTestId('repair-undo-stroke')).toBeEnabled()
    await expect
      .poll(async () => {
        const samples: number[] = []
        for (let x = 40; x <= 450; x += 10)
          samples.push(await maskAlpha(page, x, Math.round(300 + ((x - 40) * 30) / 410)))
        return Math.min(...samples)
      })
      .toBeGreaterThan(100)
    expect(await maskAlpha(page, 250, 100)).toBe(0)
    // The stroke's damaged area is about its length times the brush width.
    const expected = (100 * Math.hypot(410, 30) * size2) / (496 * 624)
    expect(afterStroke).toBeGreaterThan(expected * 0.8)
    expect(afterStroke).toBeLessThan(expected * 1.3)
    await page.screenshot({ path: join(SCREENS, 'repair-mask-painted.png') })

    // The eraser (E) takes a bite out of the middle of the stroke.
    await page.keyboard.press('e')
    await expect(page.getByTestId('repair-eraser')).toHaveAttribute('aria-pressed', 'true')
    await page.mouse.move(...at(245, 270))
    await page.mouse.down()
    await page.mouse.move(...at(245, 360), { steps: 4 })
    await page.mouse.up()
    const afterErase = await area(page)
    expect(afterErase).toBeLessThan(afterStroke)
    await expect.poll(() => maskAlpha(page, 245, 315)).toBe(0)

    // Ctrl+Z in the mask tool undoes the erase, not an edit-history step.
    await page.keyboard.press('Control+z')
    expect(await area(page)).toBeCloseTo(afterStroke, 6)
    await expect.poll(() => maskAlpha(page, 245, 315)).toBeGreaterThan(100)

    // Hiding the mask hides the overlay; Clear empties it (and is undoable).
    await page.getByTestId('repair-show-mask').uncheck()
    const visible = await page.evaluate(() => {
      const w = window as unknown as { Konva: { stages: MaskStage[] } }
      const stage = w.Konva.stages.find((s) => s.container().closest('[data-testid="stage-main"]'))!
      return stage.findOne('.mask-overlay')!.visible()
    })
    expect(visible).toBe(false)
    await page.getByTestId('repair-show-mask').check()
    await page.getByTestId('repair-clear').click()
    expect(await area(page)).toBe(0)
    await page.getByTestId('repair-undo-stroke').click()
    expect(await area(page)).toBeCloseTo(afterStroke, 6)

    // Leaving the mask tool (M again) gives B back to face drawing.
    await page.keyboard.press('m')
    await expect(page.getByTestId('tool-select')).toHaveAttribute('aria-pressed', 'true')
    await page.keyboard.press('b')
    await expect(page.getByTestId('tool-draw')).toHaveAttribute('aria-pressed', 'true')
  })
})

/** The open photo's id (every photo call names it), from the calls the page made. */
function openPhotoId(app: AppUnderTest): string {
  const withId = [...app.ipcCalls]
    .reverse()
    .find((c) => typeof (c.request as { photoId?: unknown })?.photoId === 'string')
  if (!withId) throw new Error('no photo call yet')
  return (withId.request as { photoId: string }).photoId
}

/** What main composes for the open photo now (the worker's session: base + face layers), at photo size. */
async function composed(app: AppUnderTest, photoId: string): Promise<RgbImage> {
  const sessionId = await app.runtime.services.library.sessionId(photoId)
  return (await app.runtime.services.worker.call('compose', { sessionId })).image
}

const samePixels = (a: RgbImage, b: RgbImage): boolean =>
  a.width === b.width && a.height === b.height && Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0

/** Pixels (any channel) that differ, inside and outside a mask. */
function changedPixels(a: RgbImage, b: RgbImage, mask: DamageMask): { inside: number; outside: number } {
  let inside = 0
  let outside = 0
  for (let i = 0; i < a.width * a.height; i++) {
    if ([0, 1, 2].every((c) => a.data[i * 3 + c] === b.data[i * 3 + c])) continue
    if (mask.data[i] !== 0) inside++
    else outside++
  }
  return { inside, outside }
}

/** The pixel the repair changed most (its 3 x 3 neighbourhood too, so the zoomed canvas shows it), and its values. */
function strongestRepair(before: RgbImage, after: RgbImage): { x: number; y: number; was: number[]; now: number[] } {
  const { width: w, height: h } = before
  const d = (i: number): number =>
    [0, 1, 2].reduce((n, c) => n + Math.abs(before.data[i * 3 + c] - after.data[i * 3 + c]), 0)
  let best = { x: 0, y: 0, score: -1 }
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      let score = Infinity
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) score = Math.min(score, d((y + dy) * w + x + dx))
      if (score > best.score) best = { x, y, score }
    }
  const i = best.y * w + best.x
  const px = (img: RgbImage): number[] => [0, 1, 2].map((c) => img.data[i * 3 + c])
  return { x: best.x, y: best.y, was: px(before), now: px(after) }
}

const historyLabels = async (page: Page): Promise<string[]> => {
  await page.getByTestId('tab-history').click()
  const labels = await page.locator('.history-list button').allTextContents()
  await page.getByTestId('tab-edit').click()
  return labels
}

test.describe('repair: the section on the real wiring (detectDamage, the registry repair op, repairMask)', () => {
  requireEditorPrereqs()

  let app: AppUnderTest
  test.afterEach(async () => {
    await app?.close()
  })

  test('detect on a cracked photo, paint, repair, restore after it, undo to the original, export names the repair', async () => {
    const name = 'old_scratched_woman_496x624.png'
    const photo = photoCopy(name)
    app = await launchApp({ modelsDir: await prepareModels(), dropDir: photo.dir })
    const { page } = app
    const decoded = await decodePhoto(photo.path)
    const { width, height } = decoded.image
    app.dialogAnswers.push(photo.path)
    await page.getByTestId('open-photo').click()
    await expect(page.getByTestId('repair-section')).toBeVisible()
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(1)
    const photoId = openPhotoId(app)
    await page.screenshot({ path: join(SCREENS, 'repair-cracked-woman-before.png') })

    // LaMa is not installed here: choosing it says so, offers the download, and Repair waits.
    await page.getByTestId('repair-method').selectOption('lama')
    await expect(page.getByTestId('repair-download')).toBeVisible()
    await expect(page.getByTestId('repair-run')).toBeDisabled()
    await page.getByTestId('repair-method').selectOption('classic')

    // Detect: main's detection on the photo with its faces, exactly what the core finds with them.
    await page.getByTestId('repair-sensitivity').fill('0.7')
    await page.getByTestId('repair-detect').click()
    await expect(page.getByTestId('repair-detect')).toHaveText('Detect again')
    const faces = (await app.runtime.services.edits.getState(photoId)).faces
    const found = await detectDamage(decoded.image, faces, { sensitivity: 0.7 })
    expect(found.areaPercent).toBeGreaterThan(0)
    expect(await area(page)).toBeCloseTo(found.areaPercent, 3)
    await expect(page.getByTestId('repair-area')).toContainText(`${found.regions.length} region`)
    const first = found.mask.data.findIndex((v) => v !== 0)
    await expect.poll(() => maskAlpha(page, first % width, Math.floor(first / width))).toBeGreaterThan(100)
    await page.screenshot({ path: join(SCREENS, 'repair-cracked-woman-mask.png') })

    // Add a stroke where the detection found nothing, then repair.
    await page.keyboard.press('m')
    const v = await stageView(page)
    const at = (x: number, y: number): [number, number] => [v.left + v.x + x * v.scale, v.top + v.y + y * v.scale]
    await page.mouse.move(...at(150, 560))
    await page.mouse.down()
    await page.mouse.move(...at(350, 560), { steps: 3 })
    await page.mouse.up()
    const painted = await area(page)
    expect(painted).toBeGreaterThan(found.areaPercent)
    await page.getByTestId('repair-run').click()
    await expect(page.getByTestId('undo')).toBeEnabled()
    await expect(page.getByTestId('repair-show-mask')).not.toBeChecked()
    await expect(page.getByTestId('canvas-host')).not.toHaveClass(/tool-mask/)

    // The step keeps the mask main received: the detection plus the stroke, the photo's size.
    const kept = await app.runtime.services.edits.repairMask(photoId)
    expect(kept).not.toBeNull()
    const sent = await readMask(kept!.mask, { width, height })
    let missing = 0
    for (let i = 0; i < width * height; i++) if (found.mask.data[i] !== 0 && sent.data[i] === 0) missing++
    expect(missing).toBe(0)
    expect(sent.data[560 * width + 250]).toBe(255)
    const sentArea = (100 * sent.data.reduce((n, x) => n + (x !== 0 ? 1 : 0), 0)) / (width * height)
    expect(sentArea).toBeCloseTo(painted, 3)
    // Repaired inside the mask only.
    const repaired = await composed(app, photoId)
    const diff = changedPixels(decoded.image, repaired, sent)
    expect(diff.outside).toBe(0)
    expect(diff.inside).toBeGreaterThan(0)
    expect(await area(page)).toBeCloseTo(painted, 3)
    // The canvas shows the repaired photo (a repair alone is an edit to show).
    const spot = strongestRepair(decoded.image, repaired)
    expect(close(spot.was, spot.now, 60)).toBe(false)
    await page.getByTestId('compare-off').click()
    await expect.poll(async () => close(await pixelAt(page, spot.x, spot.y), spot.now, 24)).toBe(true)
    await page.screenshot({ path: join(SCREENS, 'repair-cracked-woman-after.png') })

    // Restore after the repair: History lists the repair first; the face is restored over the repaired base.
    await page.getByTestId('restore-all').click()
    await expect(page.getByTestId('layer-0-restore')).toBeChecked()
    const labels = await historyLabels(page)
    expect(labels).toEqual(['Open original', `Repair ${sentArea.toFixed(1)} % (classic)`, 'Restore face 1'])
    const state = await app.runtime.services.edits.getState(photoId)
    expect(state.photoLayers.map((p) => [p.op, p.model])).toEqual([['repair', 'opencv-telea']])
    const both = await composed(app, photoId)
    // The face layer changed the face; the repair stays under it elsewhere (most repaired pixels are as repaired).
    const faceChanged = changedPixels(repaired, both, sent)
    expect(faceChanged.inside + faceChanged.outside).toBeGreaterThan(0)
    let keptRepair = 0
    for (let i = 0; i < width * height; i++) {
      if (sent.data[i] === 0) continue
      const px = [0, 1, 2]
      if (px.some((c) => repaired.data[i * 3 + c] !== decoded.image.data[i * 3 + c]))
        if (px.every((c) => both.data[i * 3 + c] === repaired.data[i * 3 + c])) keptRepair++
    }
    expect(keptRepair).toBeGreaterThan(diff.inside * 0.3)

    // Undo twice: the photo is the original again, exactly.
    await page.getByTestId('undo').click()
    await expect.poll(async () => samePixels(await composed(app, photoId), repaired)).toBe(true)
    await page.getByTestId('undo').click()
    await expect(page.getByTestId('undo')).toBeDisabled()
    expect(samePixels(await composed(app, photoId), decoded.image)).toBe(true)
    expect(await app.runtime.services.edits.repairMask(photoId)).toBeNull()

    // Redo both, export: the provenance note lists the repair (area and method, no bytes) before the restore.
    await page.getByTestId('redo').click()
    await page.getByTestId('redo').click()
    await expect(page.getByTestId('redo')).toBeDisabled()
    const out = join(photo.dir, 'repaired.png')
    app.saveAnswers.push(out)
    await page.getByTestId('tab-export').click()
    await page.getByTestId('export-photo').click()
    await expect(page.getByTestId('export-result')).toContainText('repaired.png')
    const xmp = (await sharp(out).metadata()).xmp?.toString('utf8') ?? ''
    const repairAt = xmp.search(/repair \(model opencv-telea; method=classic, mask=painted, areaPercent=\d/)
    expect(repairAt).toBeGreaterThanOrEqual(0)
    expect(xmp.indexOf('restore (model gfpgan-1.4', repairAt)).toBeGreaterThan(repairAt)
    expect(sha256(photo.path)).toBe(photo.sha)
  })

  test('Repair with no mask detects automatically; the mask comes back with its history step (gallery of the cracked photos)', async () => {
    app = await launchApp({ modelsDir: await prepareModels() })
    const { page } = app
    for (const name of ['old_scratched_boy_256x256.png', 'old_scratched_two_faces_400x256.png']) {
      const photo = photoCopy(name)
      const decoded = await decodePhoto(photo.path)
      const { width } = decoded.image
      const stem = name.replace(/_\d+x\d+\.png$/, '').replace(/_/g, '-')
      app.dialogAnswers.push(photo.path)
      await page.getByTestId('open-photo').click()
      await expect(page.locator('.photo-name')).toContainText(name.replace(/\.png$/, ''))
      await expect(page.getByTestId('repair-run')).toHaveText('Repair (detect automatically)')
      const photoId = openPhotoId(app)
      await page.screenshot({ path: join(SCREENS, `repair-${stem}-before.png`) })
      await page.getByTestId('repair-sensitivity').fill('0.6')
      await page.getByTestId('repair-run').click()
      await expect(page.getByTestId('undo')).toBeEnabled()
      // The mask main detected is loaded back from the step (repairMask): what the core finds with the faces.
      const faces = (await app.runtime.services.edits.getState(photoId)).faces
      const expected = await detectDamage(decoded.image, faces, { sensitivity: 0.6 })
      await expect.poll(() => area(page)).toBeCloseTo(expected.areaPercent, 3)
      const labels = await historyLabels(page)
      expect(labels.at(-1)).toBe(`Repair ${(Math.round(expected.areaPercent * 100) / 100).toFixed(1)} % (classic)`)
      const after = await composed(app, photoId)
      const diff = changedPixels(decoded.image, after, expected.mask)
      expect(diff.outside).toBe(0)
      expect(diff.inside).toBeGreaterThan(0)
      const spot = strongestRepair(decoded.image, after)
      expect(close(spot.was, spot.now, 60)).toBe(false)
      await page.getByTestId('compare-off').click()
      await expect.poll(async () => close(await pixelAt(page, spot.x, spot.y), spot.now, 24)).toBe(true)
      await page.screenshot({ path: join(SCREENS, `repair-${stem}-after.png`) })
      // Back to the original in History: the mask overlay over the damage it covers.
      await page.getByTestId('tab-history').click()
      await page.getByTestId('history-0').click()
      await page.getByTestId('tab-edit').click()
      await expect.poll(async () => samePixels(await composed(app, photoId), decoded.image)).toBe(true)
      await expect.poll(async () => close(await pixelAt(page, spot.x, spot.y), spot.was, 24)).toBe(true)
      await page.getByTestId('repair-show-mask').check()
      const first = expected.mask.data.findIndex((x) => x !== 0)
      await expect.poll(() => maskAlpha(page, first % width, Math.floor(first / width))).toBeGreaterThan(100)
      await page.screenshot({ path: join(SCREENS, `repair-${stem}-mask.png`) })
      expect(sha256(photo.path)).toBe(photo.sha)
    }
  })
})
