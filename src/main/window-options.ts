import { join } from 'node:path'
import type { BrowserWindowConstructorOptions } from 'electron'

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

/** Saved window bounds, when there are any that make sense (off-screen checks are Electron's job on show). */
export function restoredBounds(
  saved: { x?: number; y?: number; width: number; height: number } | undefined
): Pick<BrowserWindowConstructorOptions, 'x' | 'y' | 'width' | 'height'> {
  if (!saved) return {}
  const position = saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}
  return { width: Math.max(900, saved.width), height: Math.max(600, saved.height), ...position }
}
