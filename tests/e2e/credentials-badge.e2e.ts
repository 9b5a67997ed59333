import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { type AppUnderTest, CHROMIUM, launchApp, ROOT } from './support/bridge'

const SHARED = process.env.HEIRLOOM_SHARED_DIR ?? join(ROOT, '..', 'shared')
const PHOTO = join(SHARED, 'photos', 'astronaut_512.png')

test.describe('Content Credentials badge (Chromium, real main handlers and pipeline worker)', () => {
  test.skip(!existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium)`)
  test.skip(!existsSync(join(ROOT, 'out', 'renderer', 'index.html')), 'renderer not built: run npm run build')

  let app: AppUnderTest
  test.beforeEach(async () => {
    app = await launchApp({ dropDir: join(SHARED, 'photos') })
  })
  test.afterEach(async () => {
    await app.close()
  })

  test('no badge on a plain photo; its export is signed; reopened, the badge shows who signed and what was done', async () => {
    test.skip(!existsSync(PHOTO), `../shared photos absent (${PHOTO})`)
    const { page } = app
    app.dialogAnswers.push(PHOTO)
    await page.getByTestId('open-photo').click()
    await expect(page.getByTestId('photo-info')).toContainText('astronaut_512.png')
    await expect(page.getByTestId('credentials-badge')).toHaveCount(0)

    await page.getByTestId('tab-export').click()
    await expect(page.getByTestId('export-credentials')).toBeChecked()
    const out = join(mkdtempSync(join(tmpdir(), 'heirloom-e2e-c2pa-')), 'signed.jpg')
    app.saveAnswers.push(out)
    await page.getByTestId('export-photo').click()
    await expect(page.getByTestId('export-result')).toContainText('Content Credentials signed by Heirloom user')

    app.dialogAnswers.push(out)
    await page.getByTestId('open-photo').click()
    await expect(page.getByTestId('photo-info')).toContainText('signed.jpg')
    const badge = page.getByTestId('credentials-badge')
    await expect(badge).toBeVisible()
    await expect(badge).toHaveAttribute('data-state', 'Valid')
    await badge.click()
    const details = page.getByTestId('credentials-details')
    await expect(details).toContainText('Content Credentials: valid')
    await expect(details).toContainText('Signed by Heirloom user')
    await expect(details).toContainText('Made with Heirloom/0.1.0')
    await expect(page.getByTestId('credentials-actions')).toContainText('c2pa.opened')
    await expect(page.getByTestId('credentials-ingredient')).toContainText('astronaut_512.png (parentOf)')
  })
})
