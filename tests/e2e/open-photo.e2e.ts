import { existsSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { expect, test } from '@playwright/test'
import { type AppUnderTest, CHROMIUM, launchApp, ROOT } from './support/bridge'

const SHARED = process.env.HEIRLOOM_SHARED_DIR ?? join(ROOT, '..', 'shared')
const PHOTO = join(SHARED, 'photos', 'astronaut_512.png')

test.describe('editor shell in Chromium, bridged to the real main handlers', () => {
  test.skip(!existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium)`)
  test.skip(!existsSync(join(ROOT, 'out', 'renderer', 'index.html')), 'renderer not built: run npm run build')

  let app: AppUnderTest
  test.beforeEach(async () => {
    app = await launchApp({ dropDir: join(SHARED, 'photos') })
  })
  test.afterEach(async () => {
    await app.close()
  })

  test('opens a real photo through the dialog and draws it on the Konva canvas', async () => {
    test.skip(!existsSync(PHOTO), `../shared photos absent (${PHOTO})`)
    const { page } = app
    app.dialogAnswers.push(PHOTO)
    await page.getByTestId('open-photo').click()
    await expect(page.getByTestId('photo-info')).toContainText('astronaut_512.png — 512 × 512 px')

    // Wait for Konva to draw, then compare canvas pixels with the photo's own pixels at the same image points.
    const canvas = page.locator('[data-testid="canvas-host"] canvas').first()
    await expect(canvas).toBeVisible()
    const { data, info } = await sharp(PHOTO).removeAlpha().raw().toBuffer({ resolveWithObject: true })
    const probes = [
      [256, 256],
      [128, 300],
      [400, 100]
    ] as const
    await expect
      .poll(async () => {
        const drawn = await page.evaluate(
          (points) => {
            const c = document.querySelector<HTMLCanvasElement>('[data-testid="canvas-host"] canvas')
            if (!c) return []
            const ctx = c.getContext('2d')
            if (!ctx) return []
            const ratio = c.width / c.getBoundingClientRect().width
            // The canvas fits the 512 image centred with a margin; read back where each image point landed.
            const scale = Math.min((c.clientWidth - 32) / 512, (c.clientHeight - 32) / 512)
            const ox = (c.clientWidth - 512 * scale) / 2
            const oy = (c.clientHeight - 512 * scale) / 2
            return points.map(([x, y]) =>
              Array.from(
                ctx
                  .getImageData(Math.round((ox + x * scale) * ratio), Math.round((oy + y * scale) * ratio), 1, 1)
                  .data.slice(0, 3)
              )
            )
          },
          probes as unknown as [number, number][]
        )
        return (
          drawn.length === probes.length &&
          drawn.every((rgb, i) => {
            const [x, y] = probes[i]
            const o = (y * info.width + x) * 3
            return rgb.every((v, c) => Math.abs(v - data[o + c]) <= 40)
          })
        )
      })
      .toBe(true)
    await page.screenshot({ path: join(ROOT, 'test-results', 'screens', 'open-photo.png') })
  })

  test('a corrupt file shows a clear error instead of crashing', async () => {
    const { page } = app
    app.dialogAnswers.push(join(ROOT, 'package.json'))
    await page.getByTestId('open-photo').click()
    await expect(page.getByTestId('error')).toContainText(/could not be read|not supported/)
  })

  test('the CSP blocks injected inline script', async () => {
    const { page } = app
    const ran = await page.evaluate(async () => {
      const s = document.createElement('script')
      s.textContent = 'window.__injected = true'
      document.body.appendChild(s)
      await new Promise((r) => setTimeout(r, 50))
      return (window as unknown as { __injected?: boolean }).__injected === true
    })
    expect(ran).toBe(false)
  })
})
