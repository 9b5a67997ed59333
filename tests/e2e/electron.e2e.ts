import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'
import { ROOT } from './support/bridge'

/** Finds the Electron binary WITHOUT require('electron') (that would try to download it). */
function electronBinary(): string | null {
  const fromEnv = process.env.ELECTRON_EXEC_PATH
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null
  const dir = join(ROOT, 'node_modules', 'electron')
  const pathTxt = join(dir, 'path.txt')
  if (!existsSync(pathTxt)) return null
  const bin = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim())
  return existsSync(bin) ? bin : null
}

const binary = electronBinary()
if (!binary)
  console.log('[e2e] real-Electron tests skipped: no Electron binary installed (node_modules/electron/dist).')

test.describe('real Electron app', () => {
  test.skip(!binary, 'no Electron binary installed (node_modules/electron/dist); set ELECTRON_EXEC_PATH to run')

  test('starts with a secure, sandboxed window and the editor shell', async () => {
    const app = await electron.launch({
      executablePath: binary!,
      args: [join(ROOT, 'out', 'main', 'index.js'), '--no-sandbox'],
      env: { ...process.env, HEIRLOOM_MODELS_DIR: join(ROOT, 'test-results', 'electron-models') }
    })
    try {
      const page = await app.firstWindow()
      await expect(page.getByTestId('open-photo')).toBeVisible()
      const windows: unknown = await app.evaluate(
        ({ BrowserWindow }: typeof import('electron')) => BrowserWindow.getAllWindows().length
      )
      expect(windows).toBe(1)
      // The page has the named API, not Node or ipcRenderer.
      const surface = await page.evaluate(() => ({
        api: typeof (window as unknown as { api?: object }).api,
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process
      }))
      expect(surface).toEqual({ api: 'object', require: 'undefined', process: 'undefined' })
      // Navigation away is refused.
      await page.evaluate(() => {
        window.location.href = 'https://example.com/'
      })
      await page.waitForTimeout(300)
      expect(page.url()).not.toContain('example.com')
      await page.screenshot({ path: join(ROOT, 'test-results', 'screens', 'electron-shell.png') })
    } finally {
      await app.close()
    }
  })
})
