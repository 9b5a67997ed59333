import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { expect, type Page, test } from '@playwright/test'
import { createAppRuntime } from '../../src/main/app-services'
import { loadManifest } from '../../src/main/core/models/manifest'
import { type AppUnderTest, launchApp } from './support/bridge'
import { prepareModels, SCREENS, SHARED, sha256, YUNET, requireEditorPrereqs } from './support/editor-fixtures'
import { prepareSlowBatchModels } from './support/age-fixtures'

const FACE_PHOTO = 'old_scratched_boy_256x256.png'
const BATCH_FILES = 6

/** The photos in a batch output folder (not the hidden lock a running batch holds there). */
const photosIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .sort()

/** "done / total" as the batch progress bar says it. */
async function batchDone(page: Page): Promise<{ done: number; total: number; label: string }> {
  const label = (await page.getByTestId('batch-progress').innerText()).trim()
  const m = /^(\d+) \/ (\d+)/.exec(label)
  if (!m) throw new Error(`unexpected progress label "${label}"`)
  return { done: Number(m[1]), total: Number(m[2]), label }
}

/** Every file in `dir` decodes as an image of the input's size; returns their names. */
async function decodedOutputs(dir: string): Promise<string[]> {
  const names = photosIn(dir)
  for (const name of names) {
    const meta = await sharp(join(dir, name)).metadata()
    expect(meta.width, name).toBe(256)
    expect(meta.height, name).toBe(256)
  }
  return names
}

test.describe('editor workflows: batch pause/resume/cancel, model import, theme + settings', () => {
  requireEditorPrereqs()

  let app: AppUnderTest | undefined
  test.afterEach(async () => {
    await app?.close()
    app = undefined
  })

  test('batch: pause holds the progress, resume finishes every file; a second run cancelled early leaves only whole files', async () => {
    const input = mkdtempSync(join(tmpdir(), 'heirloom-e2e-batch-in-'))
    for (let i = 1; i <= BATCH_FILES; i++) copyFileSync(join(SHARED, 'photos', FACE_PHOTO), join(input, `boy_${i}.png`))
    const output = mkdtempSync(join(tmpdir(), 'heirloom-e2e-batch-out-'))
    const output2 = mkdtempSync(join(tmpdir(), 'heirloom-e2e-batch-out2-'))
    const a = (app = await launchApp({ modelsDir: await prepareSlowBatchModels(YUNET, 64) }))
    const { page } = a
    a.folderAnswers.push(input, output)
    await page.getByTestId('tab-batch').click()
    await page.getByTestId('batch-input').click()
    await expect(page.getByTestId('batch-input-name')).toContainText(`${BATCH_FILES} images`)
    await page.getByTestId('batch-output').click()
    await expect(page.getByTestId('batch-output-name')).toContainText(/heirloom-e2e-batch-out-/)

    // Pause while the first file is still running (the model is opened first): that file finishes, then nothing moves.
    // (A pause before any photo has started holds the batch at 0, so the click waits for the first photo's name.)
    await page.getByTestId('batch-run').click()
    await expect(page.getByTestId('batch-progress-box')).toContainText('Now: boy_1.png', { timeout: 30_000 })
    await page.getByTestId('batch-pause').click({ timeout: 5_000 })
    await expect(page.getByTestId('batch-pause')).toHaveText('Resume')
    await expect(page.getByTestId('batch-progress')).toContainText('paused')
    await expect.poll(async () => (await batchDone(page)).done, { timeout: 30_000 }).toBeGreaterThanOrEqual(1)
    const held = await batchDone(page)
    await page.waitForTimeout(2_500)
    const still = await batchDone(page)
    console.log(`paused at ${held.done} / ${held.total}, ${still.done} / ${still.total} 2.5 s later`)
    expect(held.done).toBeLessThan(BATCH_FILES)
    expect(still.done).toBe(held.done)
    expect(still.label).toContain('paused')
    expect(photosIn(output)).toHaveLength(held.done)
    await page.getByTestId('batch-panel').screenshot({ path: join(SCREENS, 'batch-paused.png') })

    await page.getByTestId('batch-pause').click()
    const rows = page.locator('[data-testid="batch-table"] tbody tr')
    await expect(rows).toHaveCount(BATCH_FILES, { timeout: 60_000 })
    await expect(page.getByTestId('batch-run')).toBeVisible()
    await expect(page.getByTestId('batch-progress')).toHaveText(`${BATCH_FILES} / ${BATCH_FILES}`)
    for (let i = 0; i < BATCH_FILES; i++) {
      await expect(rows.nth(i)).toHaveAttribute('data-status', 'ok')
      await expect(rows.nth(i)).toContainText(`boy_${i + 1}.png`)
      await expect(rows.nth(i)).toContainText(/1 face\(s\) → boy_\d\.png/)
    }
    expect(await decodedOutputs(output)).toEqual(Array.from({ length: BATCH_FILES }, (_, i) => `boy_${i + 1}.png`))
    await page.getByTestId('batch-panel').screenshot({ path: join(SCREENS, 'batch-resumed.png') })

    // Second run into a fresh folder, cancelled once the first file is done.
    a.folderAnswers.push(output2)
    await page.getByTestId('batch-output').click()
    await expect(page.getByTestId('batch-output-name')).toContainText(/heirloom-e2e-batch-out2-/)
    await page.getByTestId('batch-run').click()
    await expect(rows).not.toHaveCount(0, { timeout: 30_000 })
    await page.getByTestId('batch-cancel').click({ timeout: 5_000 })
    await expect(page.getByTestId('batch-run')).toBeVisible({ timeout: 30_000 })
    await expect(page.getByTestId('batch-panel')).toContainText(/Cancelled after \d+ files\./)
    const cancelledAfter = Number(
      /Cancelled after (\d+) files/.exec(await page.getByTestId('batch-panel').innerText())![1]
    )
    expect(cancelledAfter).toBeGreaterThanOrEqual(1)
    expect(cancelledAfter).toBeLessThan(BATCH_FILES)
    await expect(rows).toHaveCount(cancelledAfter)
    // Only whole files: exactly one decodable output per finished row, nothing half-written beside them.
    expect(await decodedOutputs(output2)).toHaveLength(cancelledAfter)
    await page.getByTestId('batch-panel').screenshot({ path: join(SCREENS, 'batch-cancelled.png') })

    // The cancelled run left its journal: choosing that folder again offers to resume it, which skips what was done.
    a.folderAnswers.push(output2)
    await page.getByTestId('batch-output').click()
    await expect(page.getByTestId('batch-resume')).toBeChecked()
    await expect(page.getByTestId('batch-panel')).toContainText(`(${cancelledAfter} photos done: skip them)`)
    await page.getByTestId('batch-run').click()
    await expect(rows).toHaveCount(BATCH_FILES, { timeout: 60_000 })
    await expect(page.getByTestId('batch-run')).toBeVisible({ timeout: 30_000 })
    await expect(page.locator('[data-testid="batch-table"] tbody tr[data-status="skipped"]')).toHaveCount(
      cancelledAfter
    )
    await expect(page.locator('[data-testid="batch-table"] tbody tr[data-status="ok"]')).toHaveCount(
      BATCH_FILES - cancelledAfter
    )
    expect(await decodedOutputs(output2)).toHaveLength(BATCH_FILES)
    await page.getByTestId('batch-panel').screenshot({ path: join(SCREENS, 'batch-resumed-after-cancel.png') })
  })

  test('models: import through the file dialog installs, verifies, detects a changed file and removes', async () => {
    const modelsDir = await prepareModels()
    const a = (app = await launchApp({ modelsDir }))
    const { page } = a
    const entry = loadManifest().models.find((m) => m.id === 'ultraface-rfb-320')!
    const installed = join(modelsDir, entry.file)
    const source = join(SHARED, 'models', 'ultraface_version-RFB-320.onnx')
    const row = page.getByTestId('model-ultraface-rfb-320')
    await page.getByTestId('tab-models').click()
    await expect(row).toHaveAttribute('data-state', 'missing')

    // The user cancels the dialog: nothing happens.
    a.modelFileAnswers.push(null)
    await page.getByTestId('import-ultraface-rfb-320').click()
    await expect(row).toHaveAttribute('data-state', 'missing')
    await expect(page.getByTestId('error')).toHaveCount(0)

    // A file that is not this model (YuNet's contract differs) is refused and not copied in.
    a.modelFileAnswers.push(YUNET)
    await page.getByTestId('import-ultraface-rfb-320').click()
    await expect(page.getByTestId('error')).toContainText('does not have the inputs and outputs')
    await expect(row).toHaveAttribute('data-state', 'missing')
    expect(existsSync(installed)).toBe(false)
    await page.getByTestId('error').getByRole('button', { name: 'Dismiss' }).click()
    await expect(page.getByTestId('error')).toHaveCount(0)

    a.modelFileAnswers.push(source)
    await page.getByTestId('import-ultraface-rfb-320').click()
    await expect(row).toHaveAttribute('data-state', 'installed')
    expect(sha256(installed)).toBe(sha256(source))
    await expect(page.getByTestId('error')).toHaveCount(0)
    await page.getByTestId('verify-ultraface-rfb-320').click()
    await expect(page.getByTestId('verified-ultraface-rfb-320')).toHaveText('Verified')
    await row.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SCREENS, 'models-imported.png') })

    // Verify re-hashes the file: a changed byte is caught.
    appendFileSync(installed, Buffer.from([0]))
    await page.getByTestId('verify-ultraface-rfb-320').click()
    await expect(page.getByTestId('verified-ultraface-rfb-320')).toHaveText('Not verified')

    await page.getByTestId('remove-ultraface-rfb-320').click()
    await expect(row).toHaveAttribute('data-state', 'missing')
    expect(existsSync(installed)).toBe(false)
    expect(existsSync(`${installed}.sha256`)).toBe(false)
    await expect(page.getByTestId('verify-ultraface-rfb-320')).toHaveCount(0)
  })

  test('light theme changes the colours; theme and output folder persist in settings.json for the next start', async () => {
    const a = (app = await launchApp({ modelsDir: await prepareModels(), colorScheme: 'dark' }))
    const { page } = a
    const background = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    const text = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).color)
    await expect(page.getByTestId('theme')).toHaveValue('system')
    const dark = { bg: await background(), fg: await text() }
    expect(dark.bg).toBe('rgb(30, 31, 34)')

    await page.getByTestId('theme').selectOption('light')
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
    await expect.poll(background).toBe('rgb(243, 241, 237)')
    expect(await text()).not.toBe(dark.fg)
    const out = mkdtempSync(join(tmpdir(), 'heirloom-e2e-settings-out-'))
    a.folderAnswers.push(out)
    await page.getByTestId('tab-batch').click()
    await page.getByTestId('batch-output').click()
    await expect(page.getByTestId('batch-output-name')).toContainText(/heirloom-e2e-settings-out-/)
    await page.screenshot({ path: join(SCREENS, 'settings-light-theme.png') })

    const file = join(a.userDataDir, 'settings.json')
    await expect
      .poll(() => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { theme?: string }).theme : undefined))
      .toBe('light')
    const { userDataDir, modelsDir } = a
    app = undefined
    await a.close()

    // A new start on the same user data dir reads them back through the API.
    const next = createAppRuntime({
      modelsDir,
      userDataDir,
      isTrustedSender: () => true,
      emit: () => undefined,
      shell: { openFolder: () => Promise.resolve() },
      dialogs: {
        chooseImage: () => Promise.resolve(null),
        saveFile: () => Promise.resolve(null),
        chooseFolder: () => Promise.resolve(null),
        chooseModelFile: () => Promise.resolve(null)
      }
    })
    try {
      const got = await next.dispatcher.dispatch('getSettings', undefined, {
        url: 'http://127.0.0.1/',
        isMainFrame: true
      })
      expect(got).toMatchObject({ ok: true, value: { theme: 'light', outputFolder: out } })
    } finally {
      await next.dispose()
    }
  })
})
