import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { expect, type Page, test } from '@playwright/test'
import { negateRestorer } from '../fixtures/model-graphs'
import { type AppUnderTest, launchApp } from './support/bridge'
import { photoCopy, requireEditorPrereqs, SCREENS, YUNET } from './support/editor-fixtures'

// Issue 14, "Also": axe-core over every panel in both themes (0 serious or critical violations), and a screenshot
// gallery in test-results/screens/ (one per panel and state) for a reviewer to look at.

interface Finding {
  id: string
  impact: string
  help: string
  nodes: string[]
}

/** Scans the whole window (WCAG 2.1 A/AA rules, colour contrast included); returns serious and critical findings. */
async function scan(page: Page, state: string): Promise<Finding[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`)
    }))
  console.log(`axe ${state}: ${result.passes.length} rules pass, ${bad.length} serious/critical`)
  return bad
}

for (const theme of ['dark', 'light'] as const) {
  test.describe(`accessibility and gallery, ${theme} theme`, () => {
    requireEditorPrereqs()
    let app: AppUnderTest | undefined
    test.afterEach(async () => {
      await app?.close()
      app = undefined
    })

    test(`every panel and state passes axe (${theme})`, async () => {
      const a = (app = await launchApp({
        modelsDir: mkdtempSync(join(tmpdir(), 'heirloom-e2e-a11y-models-')),
        colorScheme: theme
      }))
      const { page } = a
      const findings: Record<string, Finding[]> = {}
      const shoot = async (state: string): Promise<void> => {
        await page.waitForTimeout(150)
        await page.screenshot({ path: join(SCREENS, `${theme}-${state}.png`) })
        findings[state] = await scan(page, `${theme}-${state}`)
      }
      await page.getByTestId('theme').selectOption(theme)
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
      await shoot('empty-window')

      // First run: no models yet.
      const photo = photoCopy('old_scratched_two_faces_400x256.png')
      a.dialogAnswers.push(photo.path)
      await page.getByTestId('open-photo').click()
      await expect(page.getByTestId('first-run')).toBeVisible()
      await page.getByTestId('first-run-offline').click()
      await shoot('first-run-edit')
      await page.getByTestId('tab-models').click()
      await expect(page.getByTestId('models-panel')).toBeVisible()
      await shoot('first-run-models')

      // Offline import from the card: the detector, then the restorer (a stand-in with GFPGAN's contract).
      await page.getByTestId('tab-edit').click()
      await page.getByTestId('first-run-offline').click()
      a.modelFileAnswers.push(YUNET)
      await page.getByTestId('first-run-import-yunet-2023mar').click()
      await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2, { timeout: 30_000 })
      const restorer = join(mkdtempSync(join(tmpdir(), 'heirloom-e2e-a11y-graph-')), 'gfpgan-standin.onnx')
      writeFileSync(restorer, negateRestorer(512))
      await page.getByTestId('tab-models').click()
      a.modelFileAnswers.push(restorer)
      await page.getByTestId('import-gfpgan-1.4').click()
      await expect(page.getByTestId('model-gfpgan-1.4')).toHaveAttribute('data-state', 'installed')
      await shoot('models-installed')

      await page.getByTestId('tab-edit').click()
      await shoot('edit-faces-found')
      await page.getByTestId('face-item-0').locator('.face-pick').click()
      await page.getByTestId('restore-selected').click()
      await expect(page.getByTestId('layer-0-restore')).toBeVisible({ timeout: 60_000 })
      await expect(page.getByTestId('canvas-host')).toHaveAttribute('data-compare', 'split')
      await shoot('edit-split-after-restore')
      await page.keyboard.press('d')
      await expect(page.getByTestId('stage-before')).toBeVisible()
      await shoot('edit-side-by-side')
      await page.keyboard.press('h')
      await shoot('edit-side-by-side-overlays')
      await page.keyboard.press('h')
      await page.getByTestId('compare-split').click()
      await page.getByTestId('fold-faces').click()
      await shoot('edit-faces-folded')
      await page.getByTestId('fold-faces').click()

      await page.getByTestId('tab-history').click()
      await expect(page.getByTestId('history-panel')).toBeVisible()
      await shoot('history')
      await page.getByTestId('tab-export').click()
      await shoot('export')
      await page.getByTestId('crop-4:5').click()
      await expect(page.getByTestId('export-area')).toBeVisible()
      await shoot('export-crop')
      await page.getByTestId('crop-clear').click()
      await page.getByTestId('tab-batch').click()
      await expect(page.getByTestId('batch-panel')).toBeVisible()
      await shoot('batch')

      // A panel that failed: the boundary's message and "Reload panel".
      a.faults.set('listModels', { models: null, providersSupported: [], providerPreference: 'auto', ortVersion: '?' })
      await page.getByTestId('tab-models').click()
      await expect(page.getByTestId('panel-crash')).toBeVisible()
      await shoot('panel-crash')
      a.faults.delete('listModels')

      await page.getByTestId('sidebar-collapse').click()
      await shoot('sidebar-folded')

      const failing = Object.entries(findings).filter(([, f]) => f.length > 0)
      expect(failing, JSON.stringify(failing, null, 1)).toEqual([])
    })
  })
}
