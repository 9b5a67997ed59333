import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { type AppUnderTest, launchApp } from './support/bridge'
import { prepareModels, requireEditorPrereqs, SCREENS, SHARED } from './support/editor-fixtures'

test.describe('Batch panel: repair a folder', () => {
  requireEditorPrereqs()

  let app: AppUnderTest
  test.afterEach(async () => {
    await app?.close()
  })

  test('repair with the automatic mask: method and sensitivity offered, every photo repaired into the mirror', async () => {
    const input = mkdtempSync(join(tmpdir(), 'heirloom-batch-repair-in-'))
    const output = mkdtempSync(join(tmpdir(), 'heirloom-batch-repair-out-'))
    copyFileSync(join(SHARED, 'photos', 'old_scratched_boy_256x256.png'), join(input, 'boy.png'))
    copyFileSync(join(SHARED, 'photos', 'old_scratched_woman_496x624.png'), join(input, 'woman.png'))
    app = await launchApp({ modelsDir: await prepareModels() })
    const { page } = app
    app.folderAnswers.push(input, output)
    await page.getByTestId('tab-batch').click()
    await page.getByTestId('batch-input').click()
    await expect(page.getByTestId('batch-input-name')).toContainText('2 images')
    await page.getByTestId('batch-output').click()
    await page.getByTestId('batch-operation').selectOption('repair')
    await expect(page.getByTestId('batch-repair-method')).toHaveValue('classic')
    await expect(page.getByTestId('batch-repair-sensitivity')).toBeVisible()
    // Restore's model and strength are not repair's settings.
    await expect(page.getByTestId('batch-model')).toHaveCount(0)
    await page.getByTestId('batch-run').click()
    const rows = page.locator('[data-testid="batch-table"] tbody tr')
    await expect(rows).toHaveCount(2, { timeout: 60_000 })
    await expect(rows.nth(0)).toHaveAttribute('data-status', 'ok')
    await expect(rows.nth(1)).toHaveAttribute('data-status', 'ok')
    await expect(rows.nth(0)).not.toContainText('face(s)')
    for (const f of ['boy.png', 'woman.png']) {
      expect(existsSync(join(output, f))).toBe(true)
      expect(readFileSync(join(output, f)).equals(readFileSync(join(input, f)))).toBe(false)
    }
    expect(existsSync(join(output, '.heirloom-batch.json'))).toBe(true)
    await page.screenshot({ path: join(SCREENS, 'batch-repair.png') })
  })
})
