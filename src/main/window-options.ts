import { join } from 'node:path'
import type { BrowserWindowConstructorOptions } from 'electron'

/** Security defaults for every window: isolated, sandboxed renderer with no Node and web security on. */
export function secureWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Heirloom',
    backgroundColor: '#1e1f22',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false
    }
  }
}

/** The renderer's entry: the dev server in `electron-vite dev`, else the built file. */
export function rendererEntry(mainDir: string): { url?: string; file?: string } {
  const dev = process.env.ELECTRON_RENDERER_URL
  if (dev && /^http:\/\/(localhost|127\.0\.0\.1):\d+\/?$/.test(dev)) return { url: dev }
  return { file: join(mainDir, '..', 'renderer', 'index.html') }
}

/** Only the app's own page may call IPC. */
export function isTrustedRendererUrl(url: string, mainDir: string): boolean {
  const entry = rendererEntry(mainDir)
  if (entry.url) return url.startsWith(entry.url)
  try {
    const parsed = new URL(url)
    const expected = new URL(`file://${entry.file!.replace(/\\/g, '/')}`)
    return parsed.protocol === 'file:' && decodeURIComponent(parsed.pathname) === decodeURIComponent(expected.pathname)
  } catch {
    return false
  }
}
