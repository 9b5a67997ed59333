import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { findEntry, loadManifest } from '../../src/main/core/models/manifest'
import { bisenetStandIn, fairfaceStandIn, sfaceStandIn } from '../fixtures/helper-graphs'
import { type AppUnderTest, launchApp } from './support/bridge'
import { photoCopy, prepareModels, requireEditorPrereqs, SCREENS } from './support/editor-fixtures'

const PHOTO = 'old_scratched_two_faces_400x256.png'

test.describe('editor: helper models (identity badge, age estimate, paste-back, keep identity)', () => {
  requireEditorPrereqs()

  let app: AppUnderTest
  test.afterEach(async () => {
    await app?.close()
  })

  test('shows "about" ages, restores with face regions and Keep identity, badges the identity; Models groups helpers', async () => {
    const modelsDir = await prepareModels()
    const manifest = loadManifest()
    const place = (id: string, bytes: Uint8Array): void =>
      writeFileSync(join(modelsDir, findEntry(manifest, id)!.file), bytes)
    place('sface-2021dec', sfaceStandIn())
    place('fairface', fairfaceStandIn())
    place('bisenet-resnet-34', bisenetStandIn([150, 180, 360, 400]))
    const photo = photoCopy(PHOTO)
    app = await launchApp({ modelsDir, dropDir: photo.dir })
    const { page } = app

    app.dialogAnswers.push(photo.path)
    await page.getByTestId('open-photo').click()
    await expect(page.locator('[data-testid^="face-item-"]')).toHaveCount(2)
    // Age buckets arrive with the faces; never race or gender.
    await expect(page.getByTestId('face-age-0')).toHaveText(/^about \d+(-\d+|\+)$/)
    await expect(page.getByTestId('face-badges')).not.toContainText(/race|gender|male|female/i)
    await expect(page.getByTestId('restore-paste')).toHaveValue('regions')

    await page.getByTestId('face-item-0').locator('.face-pick').click()
    await page.getByTestId('restore-keep-identity').check()
    await page.getByTestId('restore-selected').click()
    await expect(page.getByTestId('undo')).toBeEnabled()
    const badge = page.getByTestId('face-identity-0')
    await expect(badge).toHaveText(/^identity -?\d\.\d\d$/)
    // Keep identity held the face at or above the same-person threshold: no warning colour.
    await expect(badge).toHaveAttribute('data-low', 'false')
    await expect(page.getByTestId('face-identity-1')).toHaveCount(0) // face 2 was not edited
    await page.screenshot({ path: join(SCREENS, 'editor-identity-badges.png') })

    // Without Keep identity and with the box paste the inverted face (80 %) is another person: the badge warns.
    await page.getByTestId('restore-keep-identity').uncheck()
    await page.getByTestId('restore-paste').selectOption('box')
    await page.getByTestId('face-item-1').locator('.face-pick').click()
    await page.getByTestId('restore-selected').click()
    await expect(page.getByTestId('face-identity-1')).toHaveAttribute('data-low', 'true')

    // Keep identity and its re-blend are one history step, labelled by the restore operation; the plain restore is not.
    await page.getByTestId('tab-history').click()
    const steps = await page.getByTestId('history-panel').locator('li').allInnerTexts()
    expect(steps.filter((t) => t.includes('Restore face 1 + keep identity'))).toHaveLength(1)
    expect(steps.filter((t) => t.includes('keep identity'))).toHaveLength(1)
    expect(steps).toHaveLength(3)

    await page.getByTestId('tab-models').click()
    const helpers = page.getByTestId('model-group-helpers')
    await expect(helpers).toContainText('SFace')
    await expect(helpers).toContainText('FairFace')
    await expect(helpers).toContainText('CC-BY-4.0')
    await expect(helpers).toContainText('BiSeNet')
  })
})
