import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import { ModelStore } from '../../src/main/core/models/store'
import { ddcolorLike } from '../fixtures/color-graphs'
import { type AppUnderTest, launchApp } from './support/bridge'
import { photoCopy, pixelAt, requireEditorPrereqs, SCREENS, YUNET } from './support/editor-fixtures'
import { sourcePixels } from './support/age-fixtures'

const GRAY = 'camera_gray8_512.png'

/** A models dir with the real YuNet and the ddcolor stand-in (FaceFusion contract: ab at S) as `ddcolor`. */
async function prepareColourModels(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'heirloom-e2e-colour-models-'))
  const work = mkdtempSync(join(tmpdir(), 'heirloom-e2e-colour-graphs-'))
  const store = new ModelStore({ dir })
  await store.importFile('yunet-2023mar', YUNET)
  writeFileSync(join(work, 'ddcolor-standin.onnx'), ddcolorLike())
  await store.importFile('ddcolor', join(work, 'ddcolor-standin.onnx'))
  return dir
}

/** Spread between the largest and smallest channel: 0 on a gray pixel. */
const spread = (rgb: number[]): number => Math.max(...rgb) - Math.min(...rgb)

/** Largest channel spread over a few points of a light part of the photo (the stand-in's chroma grows with gray). */
async function colourAt(page: Page, points: [number, number][], stage?: string): Promise<number> {
  let max = 0
  for (const [x, y] of points) max = Math.max(max, spread(await pixelAt(page, x, y, stage)))
  return max
}

test.describe('editor: colourise a black-and-white photo', () => {
  requireEditorPrereqs()

  let app: AppUnderTest
  test.afterEach(async () => {
    await app?.close()
  })

  test('colourises with the installed stand-in, shows before/after, records the step, undoes it', async () => {
    const modelsDir = await prepareColourModels()
    const photo = photoCopy(GRAY)
    app = await launchApp({ modelsDir, dropDir: photo.dir })
    const { page } = app
    app.dialogAnswers.push(photo.path)
    await page.getByTestId('open-photo').click()
    await expect(page.getByTestId('photo-info')).toContainText(`${GRAY} — 512 × 512 px`)
    const section = page.getByTestId('colour-section')
    await expect(section).toBeVisible()
    // The installed colouriser is chosen; the others offer a download.
    await expect(page.getByTestId('colour-model')).toHaveValue('ddcolor')
    await expect(page.getByTestId('colour-model').locator('option', { hasText: 'DeOldify' }).first()).toContainText(
      '(download)'
    )
    await page.getByTestId('colour-model').selectOption('deoldify')
    await expect(page.getByTestId('colour-reason')).toContainText('not installed')
    await expect(page.getByTestId('colour-apply')).toBeDisabled()
    await page.getByTestId('colour-model').selectOption('ddcolor')
    await page.getByTestId('colour-fade').selectOption('none')
    await page.getByTestId('colour-render').selectOption('192')
    await expect(page.getByTestId('colour-render')).toContainText('12 (192 px)')

    // Light sky / coat points of the cameraman photo; gray before.
    const src = await sourcePixels(photo.path)
    const left: [number, number][] = [
      [60, 60],
      [100, 40],
      [150, 80]
    ]
    const right: [number, number][] = [
      [400, 60],
      [450, 40],
      [360, 80]
    ]
    for (const [x, y] of [...left, ...right]) expect(spread(src(x, y))).toBe(0)

    // A gray photo: no "already in colour" warning before the edit.
    await expect(page.getByTestId('colour-in-colour')).toHaveCount(0)
    await page.getByTestId('colour-apply').click()
    await expect(page.getByTestId('undo')).toBeEnabled({ timeout: 60_000 })
    // After only: colour everywhere.
    await page.getByTestId('compare-off').click()
    await expect.poll(() => colourAt(page, [...left, ...right])).toBeGreaterThan(8)
    // Split (divider in the middle: no face): the original on the left, the colour on the right.
    await page.getByTestId('compare-split').click()
    await expect(page.getByTestId('canvas-host')).toHaveAttribute('data-compare', 'split')
    await expect.poll(() => colourAt(page, left)).toBeLessThanOrEqual(2)
    await expect.poll(() => colourAt(page, right)).toBeGreaterThan(8)
    await page.screenshot({ path: join(SCREENS, 'editor-colour-split.png') })
    // Side by side: gray before, colour after.
    await page.getByTestId('compare-side').click()
    await expect.poll(() => colourAt(page, right, 'stage-before')).toBeLessThanOrEqual(2)
    await expect.poll(() => colourAt(page, right, 'stage-after')).toBeGreaterThan(8)
    await page.screenshot({ path: join(SCREENS, 'editor-colour-side.png') })
    await page.getByTestId('compare-split').click()

    // The history names the step.
    await page.getByTestId('tab-history').click()
    await expect(page.getByTestId('history-1')).toHaveText('Colourise ddcolor (192)')
    await page.getByTestId('tab-edit').click()
    // Now in colour: colourising again asks for force.
    await expect(page.getByTestId('colour-in-colour')).toBeVisible()

    // Undo: the gray original again, and the in-colour warning is gone.
    await page.keyboard.press('Control+z')
    // No edit left: the compare views are off and the canvas shows the original.
    await expect(page.getByTestId('compare-off')).toBeDisabled()
    await expect.poll(() => colourAt(page, [...left, ...right])).toBeLessThanOrEqual(2)
    await expect(page.getByTestId('colour-in-colour')).toHaveCount(0)
    await page.keyboard.press('Control+Shift+z')
    await page.getByTestId('compare-off').click()
    await expect.poll(() => colourAt(page, [...left, ...right])).toBeGreaterThan(8)
    await page.screenshot({ path: join(SCREENS, 'editor-colour.png') })

    // The Batch panel offers the same colour settings for a folder, the installed colouriser chosen.
    await page.getByTestId('tab-batch').click()
    await page.getByTestId('batch-operation').selectOption('color')
    await expect(page.getByTestId('batch-colour-model')).toHaveValue('ddcolor')
    await expect(page.getByTestId('batch-colour-render')).toContainText('16 (256 px)')
    await expect(page.getByTestId('batch-model')).toHaveCount(0)
    await page.screenshot({ path: join(SCREENS, 'batch-colour.png') })
  })
})
