import { join } from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import { type AppUnderTest, launchApp } from './support/bridge'
import { photoCopy, pixelAt, SCREENS, stageView, YUNET, requireEditorPrereqs } from './support/editor-fixtures'
import { prepareAgeModels, sourcePixels } from './support/age-fixtures'

const PHOTO = 'old_scratched_two_faces_400x256.png'

/** The face boxes drawn on the main stage, in image pixels. */
async function drawnBoxes(page: Page, n: number): Promise<number[][]> {
  return page.evaluate((count) => {
    const w = window as unknown as {
      Konva: {
        stages: {
          findOne(s: string): { findOne(s: string): { x(): number; y(): number; width(): number; height(): number } }
        }[]
      }
    }
    return Array.from({ length: count }, (_, i) => {
      const r = w.Konva.stages[0].findOne(`.face-${i}`).findOne('Rect')
      return [r.x(), r.y(), r.width(), r.height()]
    })
  }, n)
}

test.describe('editor: age one face with the StyleGANEX route', () => {
  requireEditorPrereqs()

  let app: AppUnderTest
  test.afterEach(async () => {
    await app?.close()
  })

  test('ages the selected face 40 years (banded by the stand-in), leaves the other face, lists the step and undoes it', async () => {
    const photo = photoCopy(PHOTO)
    app = await launchApp({ modelsDir: await prepareAgeModels(YUNET), dropDir: photo.dir })
    const { page } = app
    const src = await sourcePixels(photo.path)

    app.dialogAnswers.push(photo.path)
    await page.getByTestId('open-photo').click()
    await expect(page.getByTestId('photo-info')).toContainText(`${PHOTO} — 400 × 256 px`)
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2)
    const [aged, other] = await drawnBoxes(page, 2)

    // Select face 1 by clicking its box on the canvas.
    const view = await stageView(page)
    const centre = (b: number[]): [number, number] => [b[0] + b[2] / 2, b[1] + b[3] / 2]
    const [ax, ay] = centre(aged)
    await page.mouse.click(view.left + view.x + ax * view.scale, view.top + view.y + ay * view.scale)
    await expect(page.getByTestId('face-item-0')).toHaveClass(/selected/)
    await expect(page.getByTestId('face-item-1')).not.toHaveClass(/selected/)

    // The StyleGANEX route is installed (stand-in) and preselected; no "Needs …" warning.
    const age = page.getByTestId('age-section')
    await expect(page.getByTestId('age-route')).toHaveValue('styleganex')
    await expect(page.getByTestId('age-route').locator('option[value="styleganex"]')).not.toContainText('download')
    await expect(age).not.toContainText('Needs')
    await page.getByTestId('age-years').fill('40')
    // StyleGANEX has no measured years: the control says what it is (factor = 40 x the 0.05 guess).
    await expect(age).toContainText('Older, factor +2.00 (not calibrated in years)')
    await expect(age.getByRole('checkbox', { name: /Restore after aging/ })).toBeChecked()

    // Mean |canvas - photo| over a grid of pixel centres in the middle half of a face box (the paste mask is solid there).
    const grid = (b: number[]): [number, number][] => {
      const pts: [number, number][] = []
      for (let gy = 0; gy < 24; gy++)
        for (let gx = 0; gx < 4; gx++)
          pts.push([Math.floor(b[0] + b[2] * (0.3 + 0.13 * gx)), Math.floor(b[1] + b[3] * (0.25 + 0.02 * gy))])
      return pts
    }
    const deviation = async (b: number[]): Promise<number> => {
      let sum = 0
      const pts = grid(b)
      for (const [x, y] of pts) {
        const got = await pixelAt(page, x + 0.5, y + 0.5)
        const want = src(x, y)
        sum += got.reduce((acc, v, c) => acc + Math.abs(v - want[c]), 0) / 3
      }
      return sum / pts.length
    }
    // Before the edit the canvas shows the photo itself.
    expect(await deviation(aged)).toBeLessThan(4)

    await page.getByTestId('age-selected').click()
    await expect(page.getByTestId('undo')).toBeEnabled({ timeout: 30_000 })
    await expect(page.getByTestId('error')).toHaveCount(0)
    await page.getByTestId('compare-off').click()

    // The stand-in adds +-0.25 * direction bands (40 years older -> direction -2 -> about +-64 levels); the colour
    // match keeps the face's mean colour, so the bands show as a large mean deviation from the photo on face 1 only.
    await expect.poll(() => deviation(aged), { timeout: 10_000 }).toBeGreaterThan(15)
    const agedDev = await deviation(aged)
    const otherDev = await deviation(other)
    console.log(`mean |canvas - photo|: aged face ${agedDev.toFixed(1)}, other face ${otherDev.toFixed(1)}`)
    expect(otherDev).toBeLessThan(4)
    await page.screenshot({ path: join(SCREENS, 'age-applied.png') })

    // History lists the age step with the restore that ran after it: one user action, one step.
    await page.getByTestId('tab-history').click()
    const history = page.getByTestId('history-panel')
    await expect(history).toContainText(/Age face 1/)
    const steps = await history.locator('li').allInnerTexts()
    console.log(`history after aging: ${JSON.stringify(steps)}`)
    await page.screenshot({ path: join(SCREENS, 'age-history.png') })

    // Undo back to the first step (the opened photo): the original pixels again.
    for (let i = steps.length - 1; i > 0; i--) {
      await page.keyboard.press('Control+z')
      await expect(history.locator('li.current')).toHaveText(steps[i - 1])
    }
    await expect(page.getByTestId('undo')).toBeDisabled()
    await expect.poll(() => deviation(aged)).toBeLessThan(4)
    await page.screenshot({ path: join(SCREENS, 'age-undone.png') })
  })
  test('"Restore after aging" uses the installed restorer the Restore section picked, not the missing default', async () => {
    const photo = photoCopy(PHOTO)
    app = await launchApp({ modelsDir: await prepareAgeModels(YUNET, 'gfpgan-1.3'), dropDir: photo.dir })
    const { page } = app
    app.dialogAnswers.push(photo.path)
    await page.getByTestId('open-photo').click()
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2)
    await page.getByTestId('face-item-0').locator('.face-pick').click()
    await expect(page.getByTestId('age-route')).toHaveValue('styleganex')
    await page.getByTestId('age-selected').click()
    await expect(page.getByTestId('undo')).toBeEnabled({ timeout: 30_000 })
    await expect(page.getByTestId('error')).toHaveCount(0)
    await page.getByTestId('tab-history').click()
    await expect(page.getByTestId('history-panel').locator('li')).toHaveText(['Open original', 'Age face 1 + restore'])
  })
})
