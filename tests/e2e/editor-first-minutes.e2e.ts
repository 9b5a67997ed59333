import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { crc32 } from 'node:zlib'
import sharp from 'sharp'
import { expect, type Page, test } from '@playwright/test'
import { identityRestorer, upscalerNearest } from '../fixtures/model-graphs'
import { serveLocally } from '../helpers/local-http'
import { type AppUnderTest, launchApp } from './support/bridge'
import { photoCopy, prepareModels, requireEditorPrereqs, SCREENS, stageView, YUNET } from './support/editor-fixtures'

// Issue 14: the editor as a photographer meets it in the first ten minutes. Each test does what the user did.
const TWO_FACES = 'old_scratched_two_faces_400x256.png'

type KonvaNode = { x(): number; getAbsolutePosition(): { x: number; y: number } }
interface KonvaWin {
  Konva: {
    stages: {
      container(): HTMLElement
      find(sel: string): unknown[]
      findOne(sel: string): KonvaNode | undefined
    }[]
  }
}

/** Face boxes as the canvas draws them (only while overlays are shown). */
async function faceBoxes(page: Page): Promise<number[][]> {
  return page.evaluate(() => {
    const w = window as unknown as {
      Konva: {
        stages: {
          find(s: string): { findOne(s: string): { x(): number; y(): number; width(): number; height(): number } }[]
        }[]
      }
    }
    return w.Konva.stages[0].find('Group').flatMap((g) => {
      const name = (g as unknown as { name(): string }).name()
      if (!/^face-\d+$/.test(name)) return []
      const r = g.findOne('Rect')
      return [[r.x(), r.y(), r.width(), r.height()]]
    })
  })
}

/** Divider position: image x and stage x of the main stage's split divider, or null when none is drawn. */
async function divider(page: Page): Promise<{ imageX: number; stageX: number; stageW: number } | null> {
  return page.evaluate(() => {
    const w = window as unknown as KonvaWin
    const stage = w.Konva.stages.find((s) => s.container().closest('[data-testid="stage-main"]'))
    const d = stage?.findOne('.split-divider')
    if (!stage || !d) return null
    return { imageX: d.x(), stageX: d.getAbsolutePosition().x, stageW: stage.container().clientWidth }
  })
}

/** How many face overlays a stage draws. */
async function overlayCount(page: Page, testId: string): Promise<number> {
  return page.evaluate((id) => {
    const w = window as unknown as KonvaWin
    const stage = w.Konva.stages.find((s) => s.container().closest(`[data-testid="${id}"]`))
    return stage ? stage.find('Group').filter((g) => /^face-/.test((g as { name(): string }).name())).length : -1
  }, testId)
}

async function openPhoto(a: AppUnderTest, path: string): Promise<void> {
  a.dialogAnswers.push(path)
  await a.page.getByTestId('open-photo').click()
}

async function restoreFace(page: Page, index: number): Promise<void> {
  await page.getByTestId(`face-item-${index}`).locator('.face-pick').click()
  await page.getByTestId('restore-selected').click()
  await expect(page.getByTestId(`layer-${index}-restore`)).toBeVisible({ timeout: 60_000 })
  await expect(page.getByTestId('canvas-host')).not.toHaveAttribute('data-compare', 'original')
}

test.describe('editor, first ten minutes (issue 14)', () => {
  requireEditorPrereqs()

  let app: AppUnderTest | undefined
  const pageErrors: string[] = []
  test.beforeEach(() => {
    pageErrors.length = 0
  })
  test.afterEach(async () => {
    await app?.close()
    app = undefined
  })
  const launch = async (opts: Parameters<typeof launchApp>[0] = {}): Promise<AppUnderTest> => {
    const a = (app = await launchApp(opts))
    a.page.on('pageerror', (e) => pageErrors.push(e.message))
    a.page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text())
    })
    return a
  }

  test('1. Batch tab after an export shows the batch panel with the saved folder (no React #185, no blank window)', async () => {
    const photo = photoCopy(TWO_FACES)
    const a = await launch({ modelsDir: await prepareModels() })
    const { page } = a
    await openPhoto(a, photo.path)
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2)
    await page.getByTestId('tab-export').click()
    const out = join(mkdtempSync(join(tmpdir(), 'heirloom-e2e-export-')), 'exported.jpg')
    a.saveAnswers.push(out)
    await page.getByTestId('export-photo').click()
    await expect(page.getByTestId('export-result')).toContainText('exported.jpg')
    // Export saved outputFolder in settings; the Batch panel offers it as the output.
    await page.getByTestId('tab-batch').click()
    await expect(page.getByTestId('batch-panel')).toBeVisible()
    await expect(page.getByTestId('batch-output-name')).toHaveText(dirname(out))
    await page.waitForTimeout(300)
    await expect(page.getByTestId('panel-crash')).toHaveCount(0)
    await expect(page.getByTestId('open-photo')).toBeVisible()
    expect(pageErrors.filter((e) => /Maximum update depth|#185|getSnapshot/.test(e))).toEqual([])
    await page.screenshot({ path: join(SCREENS, 'first-batch-after-export.png') })
  })

  test('1. a panel that throws while rendering shows "Reload panel"; the rest of the window keeps working', async () => {
    const photo = photoCopy(TWO_FACES)
    const a = await launch({ modelsDir: await prepareModels() })
    const { page } = a
    await openPhoto(a, photo.path)
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2)
    // Test-only fault at the bridge: a malformed model list makes the Models panel throw in render.
    a.faults.set('listModels', { models: null, providersSupported: [], providerPreference: 'auto', ortVersion: '?' })
    await page.getByTestId('tab-models').click()
    const crash = page.getByTestId('panel-crash')
    await expect(crash).toBeVisible()
    await expect(crash).toHaveAttribute('data-panel', 'Models panel')
    await expect(crash).toContainText('The Models panel stopped working')
    await expect(page.getByTestId('panel-reload')).toHaveText('Reload panel')
    await page.screenshot({ path: join(SCREENS, 'first-panel-crash.png') })
    // The window is not blank: toolbar, canvas and the other panels still work.
    await expect(page.getByTestId('open-photo')).toBeEnabled()
    await expect(page.getByTestId('stage-main')).toBeVisible()
    await page.getByTestId('tab-edit').click()
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2)
    await page.getByTestId('tab-models').click()
    await expect(crash).toBeVisible()
    // The cause goes away; "Reload panel" fetches again and re-mounts the panel.
    a.faults.delete('listModels')
    await page.getByTestId('panel-reload').click()
    await expect(page.getByTestId('models-panel')).toBeVisible()
    await expect(page.getByTestId('model-yunet-2023mar')).toHaveAttribute('data-state', 'installed')
    await expect(crash).toHaveCount(0)
  })

  test('2. split: the divider goes through the edited face, stays in view when zoomed, and can be dragged', async () => {
    const photo = photoCopy(TWO_FACES)
    const a = await launch({ modelsDir: await prepareModels() })
    const { page } = a
    await openPhoto(a, photo.path)
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2)
    const boxes = (await faceBoxes(page)).sort((p, q) => p[0] - q[0])
    expect(boxes).toHaveLength(2)
    // Restore the left-hand face only (numbers follow detection order, so pick by position): the middle of the
    // photo, where a fixed 50 % divider sits, is outside it.
    const left = boxes[0]
    expect(left[0] + left[2]).toBeLessThan(200)
    const leftIndex = (await faceBoxes(page)).findIndex((b) => b[0] === left[0])
    await restoreFace(page, leftIndex)
    await expect(page.getByTestId('canvas-host')).toHaveAttribute('data-compare', 'split')
    await expect.poll(async () => (await divider(page))?.imageX ?? -1).toBeGreaterThan(left[0])
    let d = (await divider(page))!
    expect(d.imageX).toBeLessThan(left[0] + left[2])
    await page.screenshot({ path: join(SCREENS, 'split-through-edited-face.png') })

    // Zoom onto the other face (double-click in the list) and further in: the divider stays on screen.
    await page
      .getByTestId(`face-item-${1 - leftIndex}`)
      .locator('.face-pick')
      .dblclick()
    for (let i = 0; i < 3; i++) await page.keyboard.press('+')
    await expect
      .poll(async () => {
        const v = (await divider(page))!
        return v.stageX > 0 && v.stageX < v.stageW
      })
      .toBe(true)
    await page.screenshot({ path: join(SCREENS, 'split-zoomed-divider-in-view.png') })

    // Drag the handle 120 px to the left: the divider follows the pointer.
    const zoomed = (await stageView(page)).scale
    await page.keyboard.press('0')
    await expect.poll(async () => (await stageView(page)).scale).toBeLessThan(zoomed / 2)
    await page.waitForTimeout(200)
    d = (await divider(page))!
    const v = await stageView(page)
    const handle = await page.evaluate(() => {
      const w = window as unknown as KonvaWin
      const stage = w.Konva.stages.find((s) => s.container().closest('[data-testid="stage-main"]'))!
      return stage.findOne('.split-handle')!.getAbsolutePosition()
    })
    await page.mouse.move(v.left + handle.x, v.top + handle.y)
    await page.mouse.down()
    await page.mouse.move(v.left + handle.x - 60, v.top + handle.y + 30, { steps: 5 })
    await page.mouse.move(v.left + handle.x - 120, v.top + handle.y + 40, { steps: 5 })
    await page.mouse.up()
    const after = (await divider(page))!
    expect(Math.abs(after.stageX - (d.stageX - 120))).toBeLessThan(6)
    await page.screenshot({ path: join(SCREENS, 'split-dragged.png') })
  })

  test('3. compare views hide face overlays by default; H shows them, the same on both sides of side by side', async () => {
    const photo = photoCopy(TWO_FACES)
    const a = await launch({ modelsDir: await prepareModels() })
    const { page } = a
    await openPhoto(a, photo.path)
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2)
    // Before any edit the boxes are what the user works with.
    expect(await overlayCount(page, 'stage-main')).toBe(2)
    await restoreFace(page, 0)
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    // Split (the default compare) and After: nothing drawn over the faces.
    await expect.poll(() => overlayCount(page, 'stage-main')).toBe(0)
    await expect(page.getByTestId('toggle-overlays')).toHaveAttribute('aria-pressed', 'false')
    await page.getByTestId('compare-off').click()
    await expect.poll(() => overlayCount(page, 'stage-main')).toBe(0)
    await page.screenshot({ path: join(SCREENS, 'compare-after-clean.png') })
    // Side by side: clean on both panes; H draws the same boxes on both.
    await page.keyboard.press('d')
    await expect(page.getByTestId('stage-before')).toBeVisible()
    expect(await overlayCount(page, 'stage-before')).toBe(0)
    expect(await overlayCount(page, 'stage-after')).toBe(0)
    await page.keyboard.press('h')
    await expect(page.getByTestId('toggle-overlays')).toHaveAttribute('aria-pressed', 'true')
    await expect.poll(() => overlayCount(page, 'stage-before')).toBe(2)
    expect(await overlayCount(page, 'stage-after')).toBe(2)
    await page.screenshot({ path: join(SCREENS, 'compare-side-overlays-on.png') })
    // The toolbar button hides them again.
    await page.getByTestId('toggle-overlays').click()
    await expect.poll(() => overlayCount(page, 'stage-before')).toBe(0)
    expect(await overlayCount(page, 'stage-after')).toBe(0)
  })

  test('4. first run: one action gets the detector, restorer and upscaler (licences, size), then faces are found', async () => {
    // A local mirror (HEIRLOOM_MODEL_MIRROR) serving the recommended files and the publisher's CRC files.
    const restorer = Buffer.from(identityRestorer(512))
    const upscaler = Buffer.from(upscalerNearest(2))
    const crc = (b: Buffer): string => (crc32(b) >>> 0).toString(16).padStart(8, '0')
    const files: Record<string, Buffer> = {
      'face_detection_yunet_2023mar.onnx': readFileSync(YUNET),
      'gfpgan_1.4.onnx': restorer,
      'gfpgan_1.4.hash': Buffer.from(`${crc(restorer)}\n`),
      'real_esrgan_x2.onnx': upscaler,
      'real_esrgan_x2.hash': Buffer.from(`${crc(upscaler)}\n`)
    }
    const requests: string[] = []
    const mirror = await serveLocally((req, res) => {
      const name = decodeURIComponent((req.url ?? '').slice(1))
      requests.push(name)
      const body = files[name]
      if (!body) return void res.writeHead(404).end()
      res.writeHead(200, { 'content-length': String(body.length) }).end(body)
    })
    const before = process.env.HEIRLOOM_MODEL_MIRROR
    process.env.HEIRLOOM_MODEL_MIRROR = `${mirror.base}/`
    try {
      const photo = photoCopy(TWO_FACES)
      const a = await launch({ modelsDir: mkdtempSync(join(tmpdir(), 'heirloom-e2e-empty-models-')) })
      const { page } = a
      await openPhoto(a, photo.path)
      await expect(page.getByTestId('photo-info')).toContainText(TWO_FACES)
      const card = page.getByTestId('first-run')
      await expect(card).toBeVisible()
      // No red banner for a new user: the card explains and fixes it.
      await expect(page.getByTestId('error')).toHaveCount(0)
      const items = card.locator('li')
      await expect(items).toHaveCount(3)
      await expect(items.nth(0)).toContainText('YuNet')
      await expect(items.nth(0)).toContainText('MIT')
      await expect(items.nth(1)).toContainText('GFPGAN 1.4')
      await expect(items.nth(1)).toContainText('Apache-2.0')
      await expect(items.nth(2)).toContainText('Real-ESRGAN x2plus')
      await expect(items.nth(2)).toContainText('BSD-3-Clause')
      await expect(page.getByTestId('first-run-size')).toContainText('227 KB')
      // Offline import is offered right there.
      await page.getByTestId('first-run-offline').click()
      await expect(page.getByTestId('first-run-import-yunet-2023mar')).toBeVisible()
      await page.screenshot({ path: join(SCREENS, 'first-run-card.png') })

      await page.getByTestId('get-recommended').click()
      await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2, { timeout: 60_000 })
      await expect(page.getByTestId('error')).toHaveCount(0)
      for (const name of ['face_detection_yunet_2023mar.onnx', 'gfpgan_1.4.onnx', 'real_esrgan_x2.onnx'])
        expect(requests).toContain(name)
      // The detector was fetched first.
      expect(requests.indexOf('face_detection_yunet_2023mar.onnx')).toBeLessThan(requests.indexOf('gfpgan_1.4.onnx'))
      await page.getByTestId('tab-models').click()
      for (const id of ['yunet-2023mar', 'gfpgan-1.4', 'real-esrgan-x2plus'])
        await expect(page.getByTestId(`model-${id}`)).toHaveAttribute('data-state', 'installed')
      await expect(page.getByTestId('first-run')).toHaveCount(0)
      // The Models list starts with the face detectors, the default first.
      await expect(page.getByTestId('models-panel').locator('h4').first()).toHaveText('Face detectors')
      await expect(page.locator('.model-list li').first()).toHaveAttribute('data-testid', 'model-yunet-2023mar')
      await page.screenshot({ path: join(SCREENS, 'first-run-done-models.png') })
    } finally {
      if (before === undefined) delete process.env.HEIRLOOM_MODEL_MIRROR
      else process.env.HEIRLOOM_MODEL_MIRROR = before
      await mirror.close()
    }
  })

  test('4. first run offline: the detector file is imported from the card and the open photo gets its faces', async () => {
    const photo = photoCopy(TWO_FACES)
    const a = await launch({ modelsDir: mkdtempSync(join(tmpdir(), 'heirloom-e2e-empty-models-')) })
    const { page } = a
    await openPhoto(a, photo.path)
    await expect(page.getByTestId('first-run')).toBeVisible()
    await page.getByTestId('first-run-offline').click()
    a.modelFileAnswers.push(YUNET)
    await page.getByTestId('first-run-import-yunet-2023mar').click()
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2, { timeout: 30_000 })
    await expect(page.getByTestId('error')).toHaveCount(0)
  })

  test('10. one toolbar row at 1440 px with a long recent name; 1024x700: sidebar folds, resizes, sections fold', async () => {
    const photo = photoCopy(TWO_FACES)
    const long = join(photo.dir, 'grandma_and_grandpa_at_the_lake_house_summer_1952_scan_from_the_blue_album_p14.png')
    copyFileSync(photo.path, long)
    const a = await launch({ modelsDir: await prepareModels(), viewport: { width: 1440, height: 900 } })
    const { page } = a
    await openPhoto(a, photo.path)
    await openPhoto(a, long)
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2)
    const toolbar = page.locator('header.toolbar')
    const rowHeight = async (): Promise<number> => (await toolbar.boundingBox())!.height
    /** Toolbar items that run off the window's right edge. */
    const overflowing = (): Promise<number> =>
      page.evaluate(
        () =>
          Array.from(document.querySelectorAll('header.toolbar > *, header.toolbar > .photo-info > *')).filter(
            (el) => el.getBoundingClientRect().right > window.innerWidth + 0.5
          ).length
      )
    expect(await rowHeight()).toBeLessThan(44)
    expect(await overflowing()).toBe(0)
    // The size part of the photo info is never cut off.
    const dims = await page.locator('.photo-dims').boundingBox()
    const bar = (await toolbar.boundingBox())!
    expect(dims!.width).toBeGreaterThan(40)
    expect(dims!.x + dims!.width).toBeLessThanOrEqual(bar.x + bar.width)
    await expect(page.locator('.photo-name')).toHaveAttribute('title', /grandma_and_grandpa.*400 × 256 px/)
    await page.screenshot({ path: join(SCREENS, 'layout-1440.png') })

    // After a resize the toolbar settles on its shorter labels in the next render: poll, as a user would look.
    await page.setViewportSize({ width: 1280, height: 800 })
    await expect.poll(rowHeight).toBeLessThan(44)
    await expect.poll(overflowing).toBe(0)
    await page.setViewportSize({ width: 1024, height: 700 })
    await expect.poll(rowHeight).toBeLessThan(44)
    // Nothing in the toolbar runs off the window's edge; 1280 px too.
    await expect.poll(overflowing).toBe(0)
    const narrowDims = (await page.locator('.photo-dims').boundingBox())!
    expect(narrowDims.x + narrowDims.width).toBeLessThanOrEqual(1024)
    expect(narrowDims.width).toBeGreaterThan(40)
    const sidebar = page.getByTestId('sidebar')
    const width = async (): Promise<number> => (await sidebar.boundingBox())!.width
    await expect.poll(width).toBeLessThanOrEqual(1024 * 0.34)
    // Age is reachable without scrolling once Faces, Repair, Colour and Restore are folded.
    await page.getByTestId('fold-faces').click()
    await page.getByTestId('fold-repair').click()
    await page.getByTestId('fold-colour').click()
    await page.getByTestId('fold-restore').click()
    await expect(page.getByTestId('fold-faces')).toHaveAttribute('aria-expanded', 'false')
    const ageAll = (await page.getByTestId('age-all').boundingBox())!
    expect(ageAll.y + ageAll.height).toBeLessThan(700)
    await page.screenshot({ path: join(SCREENS, 'layout-1024-sections-folded.png') })
    // Resize by dragging the sidebar's edge 80 px to the left.
    const before = await width()
    const edge = (await page.getByTestId('sidebar-resize').boundingBox())!
    await page.mouse.move(edge.x + edge.width / 2, edge.y + 200)
    await page.mouse.down()
    await page.mouse.move(edge.x + edge.width / 2 - 80, edge.y + 200, { steps: 6 })
    await page.mouse.up()
    await expect.poll(async () => Math.abs((await width()) - (before + 80))).toBeLessThan(4)
    // Fold it away: the photo gets the width.
    await page.getByTestId('sidebar-collapse').click()
    await expect.poll(width).toBeLessThan(48)
    expect((await page.getByTestId('canvas-host').boundingBox())!.width).toBeGreaterThan(960)
    await page.screenshot({ path: join(SCREENS, 'layout-1024-sidebar-folded.png') })
    await page.getByTestId('sidebar-expand').click()
    await expect.poll(async () => Math.abs((await width()) - (before + 80))).toBeLessThan(4)
  })

  test('11. stale state: Split not active before an edit; "Running on" after runs; Export saves the visible crop', async () => {
    const photo = photoCopy(TWO_FACES)
    const a = await launch({ modelsDir: await prepareModels() })
    const { page } = a
    await page.getByTestId('tab-models').click()
    await expect(page.getByTestId('provider-in-use')).toContainText('no model run yet')
    await page.getByTestId('tab-edit').click()
    await openPhoto(a, photo.path)
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2)
    // No edit yet: no compare mode claims to be active.
    for (const mode of ['off', 'split', 'side']) {
      await expect(page.getByTestId(`compare-${mode}`)).not.toHaveClass(/\bon\b/)
      await expect(page.getByTestId(`compare-${mode}`)).toHaveAttribute('aria-pressed', 'false')
    }
    // Detection ran a model: the Models panel says where.
    await page.getByTestId('tab-models').click()
    await expect(page.getByTestId('provider-in-use')).toContainText('CPU')
    await page.getByTestId('tab-edit').click()
    await restoreFace(page, 0)
    await expect(page.getByTestId('compare-split')).toHaveClass(/\bon\b/)

    // A 1:1 crop on screen, then back to the select tool: the crop stays visible and Export saves it.
    await page.getByTestId('tab-export').click()
    await page.getByTestId('crop-1:1').click()
    await page.keyboard.press('v')
    await expect(page.getByTestId('crop-size')).toBeVisible()
    await expect(page.getByTestId('export-area-crop')).toBeChecked()
    const out = join(photo.dir, 'what-i-see.png')
    a.saveAnswers.push(out)
    await page.getByTestId('export-format').selectOption('png')
    await page.getByTestId('export-panel').locator('button.primary').click()
    await expect(page.getByTestId('export-result')).toContainText('what-i-see.png')
    const meta = await sharp(out).metadata()
    expect(meta.width).toBe(meta.height)
    expect(meta.width).toBeLessThan(256)
    await page.screenshot({ path: join(SCREENS, 'export-crop-explicit.png') })
    // The whole photo is one explicit click away.
    await page.getByTestId('export-area-whole').check()
    const whole = join(photo.dir, 'whole.png')
    a.saveAnswers.push(whole)
    await page.getByTestId('export-panel').locator('button.primary').click()
    await expect(page.getByTestId('export-result')).toContainText('whole.png')
    expect((await sharp(whole).metadata()).width).toBe(400)
  })
})
