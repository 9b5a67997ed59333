import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import sharp from 'sharp'
import { expect, type Page, test } from '@playwright/test'
import { ModelStore } from '../../src/main/core/models/store'
import type { EditState } from '../../src/shared/ipc/types'
import {
  blockEncoderGraph,
  blockGeneratorGraph,
  samBlockEncoderGraph,
  writeGraphFile,
  writeNpy
} from '../fixtures/age-graphs'
import { writeGraph } from '../fixtures/model-graphs'
import { slowIdentityRestorer } from '../reliability/support/graphs'
import { type AppUnderTest, launchApp } from './support/bridge'
import { prepareAgeModels } from './support/age-fixtures'
import {
  photoCopy,
  pixelAt,
  prepareModels,
  requireEditorPrereqs,
  SCREENS,
  stageView,
  YUNET
} from './support/editor-fixtures'

// Issue 14, items 5-9: 100 % shows the photo's own pixels, feedback on long work, words, target age on every
// route, one history step per slider gesture.

const TWO_FACES = 'old_scratched_two_faces_400x256.png'

const count = (app: AppUnderTest, channel: string, pred: (req: Record<string, unknown>) => boolean = () => true) =>
  app.ipcCalls.filter((c) => c.channel === channel && pred((c.request ?? {}) as Record<string, unknown>)).length

/** The photo id the page is working on (from its own detect request). */
function photoIdOf(app: AppUnderTest): string {
  const call = app.ipcCalls.find((c) => c.channel === 'detectFaces')
  return (call!.request as { photoId: string }).photoId
}

async function editState(app: AppUnderTest): Promise<EditState> {
  const r = await app.runtime.dispatcher.dispatch(
    'getEditState',
    { photoId: photoIdOf(app) },
    { url: app.page.url(), isMainFrame: true }
  )
  if (!r.ok) throw new Error(r.error.message)
  return r.value as EditState
}

/** Serious and critical axe findings (WCAG 2.1 A/AA) in the window as it is now. */
async function axeFindings(page: Page, state: string): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const bad = r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  console.log(`axe ${state}: ${bad.length} serious/critical`)
  return bad
}

async function openPhoto(app: AppUnderTest, path: string, faces: number): Promise<void> {
  app.dialogAnswers.push(path)
  await app.page.getByTestId('open-photo').click()
  await expect(app.page.locator('[data-testid^="face-item-"]')).toHaveCount(faces)
}

test.describe('editor feedback (issue 14, items 5-9)', () => {
  requireEditorPrereqs()

  let app: AppUnderTest
  test.afterEach(async () => {
    await app?.close()
  })

  test('item 5: "100 %" past the 4096 px preview shows the photo’s own pixels, rendered from the full image', async () => {
    // 5000 px of seeded noise: any resampling (the preview is capped at 4096 px) changes nearly every pixel.
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-e2e-native-'))
    const width = 5000
    const height = 360
    const raw = Buffer.alloc(width * height * 3)
    let seed = 12345
    for (let i = 0; i < raw.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0
      raw[i] = seed >>> 24
    }
    const path = join(dir, 'noise_5000.png')
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .png()
      .toFile(path)
    const src = (x: number, y: number): number[] => {
      const o = (y * width + x) * 3
      return [raw[o], raw[o + 1], raw[o + 2]]
    }

    app = await launchApp({ dropDir: dir })
    const { page } = app
    app.dialogAnswers.push(path)
    await page.getByTestId('open-photo').click()
    await expect(page.getByTestId('photo-info')).toContainText('5000 × 360 px')
    // Fitted: far below the preview's resolution, so no region is asked for.
    await expect(page.getByTestId('zoom-level')).not.toHaveText('100 %')
    await expect(page.getByTestId('zoom-level')).toHaveAttribute('data-native', 'false')
    expect(count(app, 'getRegion')).toBe(0)

    await page.getByTestId('zoom-100').click()
    await expect(page.getByTestId('zoom-level')).toHaveText('100 %')
    await expect(page.getByTestId('zoom-level')).toHaveAttribute('data-native', 'true', { timeout: 15_000 })

    // Every sampled screen pixel is exactly the photo's pixel under it (whole-pixel offsets at 100 %: image pixel x
    // covers screen pixel x * 1 + view.x).
    const view = await stageView(page)
    expect(view.scale).toBe(1)
    const box = await page.getByTestId('stage-main').boundingBox()
    const x0 = Math.ceil(-view.x)
    const y0 = Math.max(0, Math.ceil(-view.y))
    const points: [number, number][] = []
    for (let i = 0; i < 24; i++) {
      points.push([x0 + 5 + ((i * 37) % Math.floor(box!.width - 10)), y0 + 3 + ((i * 13) % Math.min(height - 6, 300))])
    }
    let exact = 0
    for (const [x, y] of points) {
      const got = await pixelAt(page, x, y)
      if (got.every((v, c) => v === src(x, y)[c])) exact++
    }
    console.log(
      `100 %: ${exact}/${points.length} sampled pixels equal the photo's; getRegion calls: ${count(app, 'getRegion')}`
    )
    expect(exact).toBe(points.length)
    // One settled view, one region (the original only: there is no edit yet).
    expect(count(app, 'getRegion')).toBe(1)
    await page.screenshot({ path: join(SCREENS, 'zoom-100-native.png') })

    // Zooming out below the preview's resolution goes back to the preview.
    await page.getByTestId('zoom-fit').click()
    await expect(page.getByTestId('zoom-level')).toHaveAttribute('data-native', 'false')
  })

  test('item 6: steps inside a face, an active bar while the model runs, time left, Cancelling… then Cancelled, Open asks to cancel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-e2e-slow-'))
    const store = new ModelStore({ dir })
    await store.importFile('yunet-2023mar', YUNET)
    await store.importFile('gfpgan-1.4', writeGraph(dir, 'slow.onnx', slowIdentityRestorer(512, 120)))
    const photo = photoCopy(TWO_FACES)
    app = await launchApp({ modelsDir: dir, dropDir: photo.dir })
    const { page } = app
    await openPhoto(app, photo.path, 2)

    await page.getByTestId('restore-all').click()
    // The model step shows as an active (indeterminate) bar, labelled with the face and the step.
    const step = page.getByTestId('job-step')
    await expect(step).toHaveAttribute('data-step', 'model', { timeout: 30_000 })
    await expect(step.locator('.progress-fill')).toHaveClass(/indeterminate/)
    await expect(page.getByTestId('job-progress')).toContainText(/Face 1 of 2 · running the model/)
    await page.screenshot({ path: join(SCREENS, 'job-model-step.png') })
    expect(await axeFindings(page, 'job running')).toEqual([])

    // From face 2 on, the time left is estimated from face 1.
    await expect(page.getByTestId('job-progress')).toContainText('Face 2 of 2', { timeout: 60_000 })
    await expect(page.getByTestId('job-eta')).toContainText(/left/)
    await page.screenshot({ path: join(SCREENS, 'job-eta.png') })

    await page.getByTestId('cancel-job').click()
    await expect(page.getByTestId('cancel-job')).toHaveText('Cancelling…')
    await expect(page.getByTestId('cancel-job')).toBeDisabled()
    await expect(page.getByTestId('job-progress')).toContainText('Cancelling…')
    await page.screenshot({ path: join(SCREENS, 'job-cancelling.png') })
    await expect(page.getByTestId('job-notice')).toHaveText('Cancelled', { timeout: 60_000 })
    expect(count(app, 'cancelJob')).toBe(1)
    await expect(page.getByTestId('error')).toHaveCount(0)
    expect((await editState(app)).layers).toHaveLength(0)

    // Open during a job asks first; nothing is opened (and nothing waits behind the job) until the user says so.
    await page.getByTestId('restore-all').click()
    await expect(page.getByTestId('job-step')).toHaveAttribute('data-step', /align|model|paste/, { timeout: 30_000 })
    const dialogsBefore = count(app, 'openPhotoDialog')
    await page.getByTestId('open-photo').click()
    const ask = page.getByTestId('open-during-job')
    await expect(ask).toBeVisible()
    await expect(ask).toContainText('Restoring is still running')
    await page.screenshot({ path: join(SCREENS, 'open-during-job.png') })
    expect(await axeFindings(page, 'open during a job')).toEqual([])
    expect(count(app, 'openPhotoDialog')).toBe(dialogsBefore)
    await page.getByTestId('open-keep-working').click()
    await expect(ask).toHaveCount(0)
    await expect(page.getByTestId('job-progress')).toBeVisible()

    await page.getByTestId('open-photo').click()
    app.dialogAnswers.push(photo.path)
    await page.getByTestId('open-cancel-job').click()
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 })
    await expect.poll(() => count(app, 'openPhotoDialog'), { timeout: 30_000 }).toBe(dialogsBefore + 1)
    expect(count(app, 'cancelJob')).toBe(2)
    await expect(page.getByTestId('photo-info')).toContainText(TWO_FACES)
  })

  test('item 7: friendly sentence with Details, model names not ids, buttons off with the reason when models are missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-e2e-words-'))
    const store = new ModelStore({ dir })
    await store.importFile('yunet-2023mar', YUNET)
    const photo = photoCopy(TWO_FACES)
    // A JPEG cut short: the decoder's own words ("VipsJpeg: premature end…") are internals.
    const good = await sharp(photo.path).jpeg().toBuffer()
    const broken = join(photo.dir, 'cut_short.jpg')
    writeFileSync(broken, good.subarray(0, Math.floor(good.length / 2)))
    app = await launchApp({ modelsDir: dir, dropDir: photo.dir })
    const { page } = app

    app.dialogAnswers.push(broken)
    await page.getByTestId('open-photo').click()
    const banner = page.getByTestId('error')
    await expect(banner).toHaveAttribute('data-code', 'DECODE_FAILED')
    const text = page.getByTestId('error-text')
    await expect(text).toHaveText('This file could not be read as an image. It may be damaged or incomplete.')
    const details = page.getByTestId('error-details')
    await expect(details.locator('code')).toBeHidden()
    await details.getByText('Details').click()
    await expect(details.locator('code')).toBeVisible()
    await expect(details.locator('code')).toContainText('DECODE_FAILED:')
    const raw = await details.locator('code').innerText()
    console.log(`details: ${raw}`)
    await page.screenshot({ path: join(SCREENS, 'error-details.png') })
    expect(await axeFindings(page, 'error details open')).toEqual([])
    await banner.getByRole('button', { name: 'Dismiss' }).click()

    // No restorer, no age model: the buttons are off and say why, with the models' names.
    await openPhoto(app, photo.path, 2)
    await expect(page.getByTestId('restore-reason')).toContainText('Needs GFPGAN 1.4, which is not installed yet.')
    await expect(page.getByTestId('restore-all')).toBeDisabled()
    await expect(page.getByTestId('restore-all')).toHaveAttribute('title', /Needs GFPGAN 1\.4/)
    await expect(page.getByTestId('age-route')).toHaveValue('styleganex')
    await expect(page.getByTestId('age-needs')).toContainText('Needs StyleGANEX age.')
    await expect(page.getByTestId('age-section')).not.toContainText('styleganex-age')
    await expect(page.getByTestId('age-all')).toBeDisabled()
    await page.getByTestId('age-route').selectOption('latent')
    await expect(page.getByTestId('age-needs')).toContainText(
      'Needs e4e FFHQ encoder, StyleGAN2 FFHQ generator, e4e age direction (InterFaceGAN).'
    )
    await page.screenshot({ path: join(SCREENS, 'models-missing-reasons.png') })
    expect(await axeFindings(page, 'models missing')).toEqual([])
    expect(count(app, 'restoreFaces') + count(app, 'ageFaces')).toBe(0)
  })

  test('item 8: target age works on all three age routes (current age asked where the route needs it)', async () => {
    const dir = await prepareAgeModels(YUNET)
    // The latent route (e4e encoder + StyleGAN2 generator + direction) and SAM (its encoder, pSp, decoder, average
    // latent) as stand-ins with the published shapes (tests/fixtures/age-graphs.ts).
    const work = mkdtempSync(join(tmpdir(), 'heirloom-e2e-routes-'))
    const store = new ModelStore({ dir })
    await store.importFile('e4e-ffhq-encoder', writeGraphFile(work, 'enc.onnx', blockEncoderGraph()))
    await store.importFile('stylegan2-ffhq-generator', writeGraphFile(work, 'gen.onnx', blockGeneratorGraph()))
    const direction = Float32Array.from({ length: 512 }, (_, i) => Math.cos(i) * 0.05)
    await store.importFile('e4e-age-direction', writeNpy(join(work, 'dir.npy'), [1, 512], direction))
    await store.importFile('sam-encoder', writeGraphFile(work, 'sam.onnx', samBlockEncoderGraph()))
    await store.importFile('sam-pretrained-encoder', writeGraphFile(work, 'psp.onnx', blockEncoderGraph()))
    await store.importFile('sam-decoder', writeGraphFile(work, 'dec.onnx', blockGeneratorGraph()))
    await store.importFile('sam-latent-avg', writeNpy(join(work, 'avg.npy'), [18, 512], new Float32Array(18 * 512)))
    const photo = photoCopy(TWO_FACES)
    app = await launchApp({ modelsDir: dir, dropDir: photo.dir })
    const { page } = app
    await openPhoto(app, photo.path, 2)
    await page.getByTestId('face-item-0').locator('.face-pick').click()
    await page.getByTestId('age-mode-target').check()
    await page.getByTestId('age-target').fill('70')

    const runRoute = async (route: string, current: number | null): Promise<Record<string, unknown>> => {
      await page.getByTestId('age-route').selectOption(route)
      if (current === null) {
        await expect(page.getByTestId('age-current')).toHaveCount(0)
      } else {
        // Routes that edit by a change in years need the current age: asked for, and the buttons wait for it.
        await expect(page.getByTestId('age-current')).toBeVisible()
        await page.getByTestId('age-current').fill('')
        await expect(page.getByTestId('age-selected')).toBeDisabled()
        await expect(page.getByTestId('age-reason')).toHaveText('Enter the current age (0 to 100).')
        await page.getByTestId('age-current').fill(String(current))
      }
      const before = count(app, 'ageFaces')
      await page.getByTestId('age-selected').click()
      await expect.poll(() => count(app, 'ageFaces')).toBe(before + 1)
      await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 })
      await expect(page.getByTestId('error')).toHaveCount(0)
      const layer = (await editState(app)).layers.find((l) => l.op === 'age' && l.faceIndex === 0)
      expect(layer).toBeDefined()
      return layer!.params
    }

    const sx = await runRoute('styleganex', 30)
    expect(sx).toMatchObject({ route: 'styleganex', targetAge: 70, currentAge: 30 })
    // StyleGANEX: -0.05 per year (manifest directionSign -1), 40 years older.
    expect(sx.editFactor as number).toBeCloseTo(-2, 6)
    const latent = await runRoute('latent', 40)
    expect(latent).toMatchObject({ route: 'latent', targetAge: 70, currentAge: 40 })
    expect(latent.editFactor as number).toBeCloseTo(3, 6)
    const sam = await runRoute('sam', null)
    expect(sam).toMatchObject({ route: 'sam', targetAge: 70 })
    await page.screenshot({ path: join(SCREENS, 'age-target-sam.png') })

    // SAM takes a target age: a change in years asks for the current age instead.
    await page.getByTestId('age-mode-years').check()
    await expect(page.getByTestId('age-current')).toBeVisible()
    await page.getByTestId('age-years').fill('-10')
    await page.getByTestId('age-current').fill('50')
    const samYears = await (async () => {
      const before = count(app, 'ageFaces')
      await page.getByTestId('age-selected').click()
      await expect.poll(() => count(app, 'ageFaces')).toBe(before + 1)
      await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 })
      await expect(page.getByTestId('error')).toHaveCount(0)
      return (await editState(app)).layers.find((l) => l.op === 'age' && l.faceIndex === 0)!.params
    })()
    expect(samYears).toMatchObject({ route: 'sam', targetAge: 40 })
    await page.getByTestId('tab-history').click()
    await expect(page.getByTestId('history-panel').locator('li')).toHaveCount(5)
  })

  test('item 9: arrow presses on a slider are one step and one re-blend; hide/show steps name the face; restore after aging uses the restore strength', async () => {
    const photo = photoCopy(TWO_FACES)
    app = await launchApp({ modelsDir: await prepareModels(), dropDir: photo.dir })
    const { page } = app
    await openPhoto(app, photo.path, 2)
    await page.getByTestId('restore-all').click()
    await expect(page.getByTestId('undo')).toBeEnabled({ timeout: 60_000 })
    await expect(page.getByTestId('job-progress')).toHaveCount(0)

    const slider = page.getByTestId('restore-strength')
    const reblends = count(app, 'setLayerStrength')
    const previews = count(app, 'getPreview', (r) => r.variant === 'edited')
    await slider.focus()
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft')
    await expect.poll(() => count(app, 'setLayerStrength'), { timeout: 10_000 }).toBe(reblends + 1)
    await expect.poll(() => count(app, 'getPreview', (r) => r.variant === 'edited')).toBe(previews + 1)
    await page.getByTestId('tab-history').click()
    const history = page.getByTestId('history-panel').locator('li')
    await expect(history).toHaveText(['Open original', 'Restore faces 1, 2', 'Restore strength 76% on faces 1, 2'])
    // Nothing more arrives later (the gesture is over).
    await page.waitForTimeout(1500)
    expect(count(app, 'setLayerStrength')).toBe(reblends + 1)
    console.log(`4 arrow presses: ${count(app, 'setLayerStrength') - reblends} re-blend, 1 history step`)

    await page.getByTestId('tab-edit').click()
    await page.getByTestId('layer-1-restore').click()
    await expect(page.getByTestId('layer-1-restore')).not.toBeChecked()
    await page.getByTestId('tab-history').click()
    await expect(history.last()).toHaveText('Hide restore on face 2')
    await page.getByTestId('tab-edit').click()
    await page.getByTestId('layer-1-restore').click()
    await expect(page.getByTestId('layer-1-restore')).toBeChecked()
    await page.getByTestId('tab-history').click()
    await expect(history.last()).toHaveText('Show restore on face 2')
    await page.screenshot({ path: join(SCREENS, 'history-named-steps.png') })
  })

  test('item 9: "Restore after aging" blends at the restore strength the user set, not the age strength', async () => {
    const photo = photoCopy(TWO_FACES)
    app = await launchApp({ modelsDir: await prepareAgeModels(YUNET), dropDir: photo.dir })
    const { page } = app
    await openPhoto(app, photo.path, 2)
    await page.getByTestId('restore-strength').fill('0.3')
    await page.getByTestId('face-item-0').locator('.face-pick').click()
    await page.getByTestId('age-selected').click()
    await expect(page.getByTestId('undo')).toBeEnabled({ timeout: 60_000 })
    await expect(page.getByTestId('error')).toHaveCount(0)
    const layers = (await editState(app)).layers
    expect(layers.find((l) => l.op === 'age')?.strength).toBe(1)
    expect(layers.find((l) => l.op === 'restore')?.strength).toBeCloseTo(0.3, 6)
    const request = app.ipcCalls.find((c) => c.channel === 'ageFaces')!.request as Record<string, unknown>
    expect(request.restoreStrength).toBeCloseTo(0.3, 6)
    await expect(page.getByTestId('face-item-0').locator('label[title^="restore"]')).toHaveAttribute(
      'title',
      'restore with GFPGAN 1.4 at 30 %'
    )
  })
})
