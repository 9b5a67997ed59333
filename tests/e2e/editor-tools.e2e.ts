import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { expect, test } from '@playwright/test'
import { loadManifest } from '../../src/main/core/models/manifest'
import { type AppUnderTest, launchApp } from './support/bridge'
import {
  photoCopy,
  prepareModels,
  requireEditorPrereqs,
  SCREENS,
  sha256,
  SHARED,
  stageView
} from './support/editor-fixtures'

test.describe('editor tools: draw/delete faces, crop, models, batch', () => {
  requireEditorPrereqs()

  let app: AppUnderTest
  test.afterEach(async () => {
    await app?.close()
  })

  test('deletes a face, draws it back as a box (landmarks from landmarksForBox), crops around it and exports the crop', async () => {
    const photo = photoCopy('old_scratched_two_faces_400x256.png')
    app = await launchApp({ modelsDir: await prepareModels(), dropDir: photo.dir })
    const { page } = app
    app.dialogAnswers.push(photo.path)
    await page.getByTestId('open-photo').click()
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2)
    const box = await page.evaluate(() => {
      const w = window as unknown as {
        Konva: {
          stages: {
            findOne(s: string): { findOne(s: string): { x(): number; y(): number; width(): number; height(): number } }
          }[]
        }
      }
      const r = w.Konva.stages[0].findOne('.face-1').findOne('Rect')
      return [r.x(), r.y(), r.width(), r.height()]
    })

    // Select face 2 in the list and delete it with the Delete key.
    await page.getByTestId('face-item-1').locator('.face-pick').click()
    await page.keyboard.press('Delete')
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(1)

    // Draw it back with the draw tool (B), a little larger than the detector's box.
    await page.keyboard.press('b')
    const v = await stageView(page)
    const at = (x: number, y: number): [number, number] => [v.left + v.x + x * v.scale, v.top + v.y + y * v.scale]
    const [x0, y0] = at(box[0] - 6, box[1] - 6)
    const [x1, y1] = at(box[0] + box[2] + 6, box[1] + box[3] + 6)
    await page.mouse.move(x0, y0)
    await page.mouse.down()
    await page.mouse.move(x1, y1, { steps: 6 })
    await page.mouse.up()
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2)
    await expect(page.getByTestId('face-item-1')).toContainText('drawn')
    await page.keyboard.press('v')
    await page.getByTestId('face-item-1').locator('.face-pick').click()
    await page.screenshot({ path: join(SCREENS, 'tools-drawn-face.png') })

    // Crop: passport preset snapped to the drawn face, shown with a Transformer; export only the crop.
    await page.getByTestId('tab-export').click()
    await page.getByTestId('crop-passport').click()
    await page.getByTestId('crop-snap-face').click()
    await expect(page.getByTestId('crop-size')).toBeVisible()
    const hasTransformer = await page.evaluate(() => {
      const w = window as unknown as { Konva: { stages: { find(s: string): unknown[] }[] } }
      return w.Konva.stages[0].find('Transformer').length
    })
    expect(hasTransformer).toBe(1)
    await page.screenshot({ path: join(SCREENS, 'tools-crop.png') })
    const out = join(photo.dir, 'crop.png')
    app.saveAnswers.push(out)
    await page.getByTestId('export-format').selectOption('png')
    await page.getByTestId('export-photo').click()
    await expect(page.getByTestId('export-result')).toContainText('crop.png')
    const meta = await sharp(out).metadata()
    // 35:45 within a pixel of rounding.
    expect(Math.abs(meta.width / meta.height - 35 / 45)).toBeLessThan(0.02)
    expect(meta.width).toBeLessThan(400)
  })

  test('model manager: downloads from a local server with a progress bar; non-commercial models ask first', async () => {
    const file = join(SHARED, 'models', 'ultraface_version-RFB-320.onnx')
    const bytes = readFileSync(file)
    // Sends the file in slices with pauses, so the progress bar is visible mid-download.
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) })
      let off = 0
      const slice = Math.ceil(bytes.length / 8)
      const tick = (): void => {
        if (off >= bytes.length) return void res.end()
        res.write(bytes.subarray(off, off + slice))
        off += slice
        setTimeout(tick, 150)
      }
      tick()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/version-RFB-320.onnx`
    const manifest = loadManifest()
    manifest.models = manifest.models.map((m) => (m.id === 'ultraface-rfb-320' ? { ...m, urls: [url] } : m))
    app = await launchApp({ modelsDir: await prepareModels(), manifest })
    const { page } = app
    try {
      await page.getByTestId('tab-models').click()
      await expect(page.getByTestId('model-ultraface-rfb-320')).toHaveAttribute('data-state', 'missing')
      await page.getByTestId('download-ultraface-rfb-320').click()
      await expect(page.getByTestId('model-progress-ultraface-rfb-320')).toBeVisible()
      await expect
        .poll(async () =>
          Number(await page.getByTestId('model-progress-ultraface-rfb-320').getAttribute('aria-valuenow'))
        )
        .toBeGreaterThan(0)
      await page.getByTestId('model-ultraface-rfb-320').scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(SCREENS, 'models-downloading.png') })
      await expect(page.getByTestId('model-ultraface-rfb-320')).toHaveAttribute('data-state', 'installed', {
        timeout: 20_000
      })
      await page.getByTestId('verify-ultraface-rfb-320').click()
      await expect(page.getByTestId('verified-ultraface-rfb-320')).toHaveText('Verified')
      // The detail view: what `heirloom models inspect` prints, read in the worker.
      await page.getByTestId('inspect-ultraface-rfb-320').click()
      await expect(page.getByTestId('model-detail-verdict')).toHaveText(
        'Fits the contract of Ultra-Light-Fast face detector RFB-320'
      )
      await expect(page.getByTestId('model-detail-sha256')).toHaveText(sha256(file))
      await expect(page.getByTestId('model-detail')).toContainText('[1,4420,2]')
      await page.getByTestId('model-detail').scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(SCREENS, 'models-detail.png') })

      // CodeFormer is non-commercial: the download asks for confirmation first.
      await page.getByTestId('download-codeformer').click()
      await expect(page.getByTestId('license-confirm-codeformer')).toContainText('non-commercial')
      await page.getByTestId('model-codeformer').scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(SCREENS, 'models-license.png') })
      await expect(page.getByTestId('provider-in-use')).toContainText(/CPU|no model run yet/)
    } finally {
      await new Promise<void>((r) => server.close(() => r()))
    }
  })

  test('batch over a folder with a face photo, a photo without faces and a corrupt file', async () => {
    const input = mkdtempSync(join(tmpdir(), 'heirloom-batch-in-'))
    const output = mkdtempSync(join(tmpdir(), 'heirloom-batch-out-'))
    copyFileSync(join(SHARED, 'photos', 'old_scratched_two_faces_400x256.png'), join(input, 'a_two_faces.png'))
    copyFileSync(join(SHARED, 'photos', 'old_no_face_street_736x1016.png'), join(input, 'b_street.png'))
    writeFileSync(join(input, 'c_corrupt.jpg'), Buffer.from('this is not a jpeg at all'))
    app = await launchApp({ modelsDir: await prepareModels() })
    const { page } = app
    app.folderAnswers.push(input, output)
    await page.getByTestId('tab-batch').click()
    await page.getByTestId('batch-input').click()
    await expect(page.getByTestId('batch-input-name')).toContainText('3 images')
    await page.getByTestId('batch-output').click()
    await page.getByTestId('batch-run').click()
    const rows = page.locator('[data-testid="batch-table"] tbody tr')
    await expect(rows).toHaveCount(3, { timeout: 60_000 })
    await expect(rows.nth(0)).toHaveAttribute('data-status', 'ok')
    await expect(rows.nth(1)).toHaveAttribute('data-status', 'no-face')
    await expect(rows.nth(2)).toHaveAttribute('data-status', 'error')
    await expect(rows.nth(2)).toContainText(/./)
    await expect(page.getByTestId('batch-progress')).toContainText('3 / 3')
    // The CLI's mirrored names: the same name in the output folder (never beside the original).
    expect(existsSync(join(output, 'a_two_faces.png'))).toBe(true)
    await page.screenshot({ path: join(SCREENS, 'batch-results.png') })
    await page.getByTestId('batch-open-output').click()
    expect(app.openedFolders).toEqual([output])
  })
})
