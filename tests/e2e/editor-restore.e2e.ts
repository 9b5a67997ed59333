import { join } from 'node:path'
import sharp from 'sharp'
import { expect, test } from '@playwright/test'
import { createEngine } from '../../src/main/core/engine'
import { decodePhoto } from '../../src/main/core/image/decode'
import { detectFaces } from '../../src/main/core/stages/detect'
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

const PHOTO = 'old_scratched_two_faces_400x256.png'

test.describe('editor: detect, select, restore, compare, undo, export', () => {
  requireEditorPrereqs()

  let app: AppUnderTest
  test.afterEach(async () => {
    await app?.close()
  })

  test('restores one face with the negate stand-in, shows it in the split, undoes it and exports with provenance', async () => {
    const modelsDir = await prepareModels()
    const photo = photoCopy(PHOTO)
    app = await launchApp({ modelsDir, dropDir: photo.dir })
    const { page } = app

    // What the detector itself finds on this photo, to compare with the boxes drawn on the canvas.
    const engine = createEngine({ modelsDir })
    const decoded = await decodePhoto(photo.path)
    const expected = (await detectFaces(engine, decoded.image)).faces
    await engine.dispose()
    expect(expected.length).toBeGreaterThanOrEqual(2)

    app.dialogAnswers.push(photo.path)
    await page.getByTestId('open-photo').click()
    await expect(page.getByTestId('photo-info')).toContainText(`${PHOTO} — 400 × 256 px`)
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(expected.length)

    // Each numbered box sits where the detector put the face (stage rect vs image box through the viewport).
    const view = await stageView(page)
    const drawn = await page.evaluate((n) => {
      const w = window as unknown as {
        Konva: {
          stages: {
            findOne(s: string): {
              findOne(s: string): { getClientRect(): { x: number; y: number; width: number; height: number } }
            }
          }[]
        }
      }
      return Array.from({ length: n }, (_, i) =>
        w.Konva.stages[0].findOne(`.face-${i}`).findOne('Rect').getClientRect()
      )
    }, expected.length)
    expected.forEach((f, i) => {
      const r = drawn[i]
      // getClientRect includes half the (unscaled) stroke on each side.
      expect(Math.abs(r.x - (f.box[0] * view.scale + view.x))).toBeLessThan(3)
      expect(Math.abs(r.y - (f.box[1] * view.scale + view.y))).toBeLessThan(3)
      expect(Math.abs(r.width - f.box[2] * view.scale)).toBeLessThan(5)
    })
    await page.screenshot({ path: join(SCREENS, 'editor-faces.png') })

    // Select face 1 by clicking its box on the canvas.
    const face = expected[0]
    const cx = face.box[0] + face.box[2] / 2
    const cy = face.box[1] + face.box[3] / 2
    await page.mouse.click(view.left + cx * view.scale + view.x, view.top + cy * view.scale + view.y)
    await expect(page.getByTestId('face-item-0')).toHaveClass(/selected/)
    await expect(page.getByTestId('face-item-1')).not.toHaveClass(/selected/)

    const original = await pixelAt(page, cx, cy)
    // Long tasks on the renderer's main thread while the job runs (the model runs in main, not here).
    await page.evaluate(() => {
      const w = window as unknown as { __long: number[] }
      w.__long = []
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__long.push(e.duration))).observe({
        type: 'longtask'
      })
    })
    await page.getByTestId('restore-selected').click()
    await expect(page.getByTestId('undo')).toBeEnabled()
    const longTasks = await page.evaluate(() => (window as unknown as { __long: number[] }).__long)
    console.log(`renderer long tasks during the restore job: ${JSON.stringify(longTasks.map(Math.round))}`)
    expect(longTasks.filter((d) => d > 50)).toEqual([])
    await expect(page.getByTestId('canvas-host')).toHaveAttribute('data-compare', 'split')
    await expect(page.getByTestId('layer-0-restore')).toBeChecked()

    // "After" only: the restored face is inverted (negate stand-in at 80 % strength).
    await page.getByTestId('compare-off').click()
    await expect.poll(async () => close(await pixelAt(page, cx, cy), original, 30)).toBe(false)
    // The other face is untouched.
    const other = expected[1]
    const ox = other.box[0] + other.box[2] / 2
    const oy = other.box[1] + other.box[3] / 2
    await page.getByTestId('compare-split').click()

    // Split: drag the divider onto the face centre -> left of it the original, right of it the result.
    const v2 = await stageView(page)
    const divX = v2.left + v2.x + 0.5 * 400 * v2.scale
    const midY = v2.top + v2.y + 128 * v2.scale
    await page.mouse.move(divX, midY)
    await page.mouse.down()
    await page.mouse.move(v2.left + v2.x + cx * v2.scale, midY, { steps: 5 })
    await page.mouse.up()
    const leftX = cx - face.box[2] * 0.2
    const rightX = cx + face.box[2] * 0.2
    const { data, info } = await sharp(photo.path).removeAlpha().raw().toBuffer({ resolveWithObject: true })
    const src = (x: number, y: number): number[] => {
      const o = (Math.round(y) * info.width + Math.round(x)) * 3
      return [data[o], data[o + 1], data[o + 2]]
    }
    await expect.poll(async () => close(await pixelAt(page, leftX, cy), src(leftX, cy), 24)).toBe(true)
    await expect.poll(async () => close(await pixelAt(page, rightX, cy), src(rightX, cy), 24)).toBe(false)
    await expect.poll(async () => close(await pixelAt(page, ox, oy), src(ox, oy), 24)).toBe(true)
    await page.screenshot({ path: join(SCREENS, 'editor-split.png') })

    // Side by side: two stages with the same viewport.
    await page.getByTestId('compare-side').click()
    // The two stages settle on the shared viewport in the render after the switch: poll until they agree.
    await expect
      .poll(async () => {
        const b = await stageView(page, 'stage-before')
        const a = await stageView(page, 'stage-after')
        return Math.abs(b.scale - a.scale)
      })
      .toBeLessThan(1e-6)
    // Each stage loads its image asynchronously after the switch: wait for both to show.
    await expect.poll(async () => close(await pixelAt(page, cx, cy, 'stage-before'), src(cx, cy), 24)).toBe(true)
    await expect.poll(async () => close(await pixelAt(page, cx, cy, 'stage-after'), src(cx, cy), 24)).toBe(false)
    await page.screenshot({ path: join(SCREENS, 'editor-side-by-side.png') })
    await page.getByTestId('compare-split').click()

    // Hold backslash: the original everywhere.
    await page.keyboard.down('\\')
    await expect(page.getByTestId('canvas-host')).toHaveAttribute('data-compare', 'original')
    await page.keyboard.up('\\')

    // Undo (Ctrl+Z) restores the original; redo brings the edit back.
    await page.keyboard.press('Control+z')
    await expect(page.getByTestId('canvas-host')).toHaveAttribute('data-compare', 'original')
    await expect.poll(async () => close(await pixelAt(page, rightX, cy), src(rightX, cy), 24)).toBe(true)
    await page.keyboard.press('Control+Shift+z')
    await expect(page.getByTestId('canvas-host')).toHaveAttribute('data-compare', 'split')
    await page.getByTestId('tab-history').click()
    await expect(page.getByTestId('history-panel')).toContainText('Restore face 1')
    await page.screenshot({ path: join(SCREENS, 'editor-history.png') })

    // Export: the save dialog answers a path in the photo's folder; metadata + provenance, original untouched.
    const out = join(photo.dir, 'exported.jpg')
    app.saveAnswers.push(out)
    await page.getByTestId('tab-export').click()
    await page.getByTestId('export-photo').click()
    await expect(page.getByTestId('export-result')).toContainText('exported.jpg')
    await page.screenshot({ path: join(SCREENS, 'editor-export.png') })
    const meta = await sharp(out).metadata()
    expect(meta.width).toBe(400)
    expect(meta.exif).toBeDefined()
    expect(meta.xmp?.toString('utf8')).toMatch(/restore/)
    expect(meta.xmp?.toString('utf8')).toMatch(/gfpgan-1\.4/)
    expect(sha256(photo.path)).toBe(photo.sha)

    // Choosing the original itself as the target is refused, and the file stays the same.
    app.saveAnswers.push(photo.path)
    await page.getByTestId('export-photo').click()
    await expect(page.getByTestId('error')).toBeVisible()
    expect(sha256(photo.path)).toBe(photo.sha)
  })
})
