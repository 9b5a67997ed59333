import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { buildSync } from 'esbuild'
import { type Browser, type BrowserContext, chromium, type Page } from '@playwright/test'
import { createAppRuntime, type AppRuntime } from '../../../src/main/app-services'
import type { Manifest } from '../../../src/shared/model-manifest'
import { serveDirectory } from './static-server'

export const ROOT = resolve(__dirname, '..', '..', '..')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

let initScript: string | undefined
function bridgeInitScript(): string {
  initScript ??= buildSync({
    entryPoints: [join(__dirname, 'bridge-entry.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    platform: 'browser',
    target: 'chrome120'
  }).outputFiles[0].text
  return initScript
}

export interface AppUnderTest {
  page: Page
  context: BrowserContext
  runtime: AppRuntime
  /** Paths the scripted "Open" dialog returns, in order (null = the user cancelled). */
  dialogAnswers: (string | null)[]
  /** Scripted answers of the save dialog (export), the folder dialog and the model-file dialog. */
  saveAnswers: (string | null)[]
  folderAnswers: (string | null)[]
  modelFileAnswers: (string | null)[]
  /** Folders the app asked the shell to open. */
  openedFolders: string[]
  /** Every invoke the page made, in order (channel + request), to count IPC calls load-independently. */
  ipcCalls: { channel: string; request: unknown }[]
  userDataDir: string
  /** Folder that `dropped:<name>` paths resolve against. */
  dropDir: string
  modelsDir: string
  /**
   * Test-only fault injection at the bridge: a channel listed here answers with this value instead of reaching
   * main (e.g. a malformed payload that makes a panel throw while rendering). Never reachable from the app.
   */
  faults: Map<string, unknown>
  close(): Promise<void>
}

/**
 * Launches Debian's Chromium on the BUILT renderer (out/renderer) served from 127.0.0.1, with window.api bridged to
 * the real main-process handlers running in this test process, exactly as the preload exposes them.
 */
export async function launchApp(
  opts: {
    dropDir?: string
    modelsDir?: string
    manifest?: Manifest
    colorScheme?: 'light' | 'dark'
    viewport?: { width: number; height: number }
  } = {}
): Promise<AppUnderTest> {
  const server = await serveDirectory(join(ROOT, 'out', 'renderer'))
  const modelsDir = opts.modelsDir ?? mkdtempSync(join(tmpdir(), 'heirloom-models-'))
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    colorScheme: opts.colorScheme ?? 'dark'
  })
  const dialogAnswers: (string | null)[] = []
  const saveAnswers: (string | null)[] = []
  const folderAnswers: (string | null)[] = []
  const modelFileAnswers: (string | null)[] = []
  const openedFolders: string[] = []
  const ipcCalls: { channel: string; request: unknown }[] = []
  const userDataDir = mkdtempSync(join(tmpdir(), 'heirloom-userdata-'))
  const dropDir = opts.dropDir ?? ROOT
  const pageRef: { current?: Page } = {}
  const faults = new Map<string, unknown>()
  const runtime = createAppRuntime({
    modelsDir,
    isTrustedSender: (url) => url.startsWith(server.url),
    emit: (event, payload) => {
      void pageRef.current?.evaluate(
        ([e, p]) => (window as unknown as { __heirloom_emit(e: string, p: unknown): void }).__heirloom_emit(e, p),
        [event, payload] as const
      )
    },
    userDataDir,
    ...(opts.manifest ? { manifest: opts.manifest } : {}),
    shell: {
      openFolder: (path) => {
        openedFolders.push(path)
        return Promise.resolve()
      }
    },
    dialogs: {
      chooseImage: () => Promise.resolve(dialogAnswers.shift() ?? null),
      saveFile: () => Promise.resolve(saveAnswers.shift() ?? null),
      chooseFolder: () => Promise.resolve(folderAnswers.shift() ?? null),
      chooseModelFile: () => Promise.resolve(modelFileAnswers.shift() ?? null)
    }
  })
  await context.exposeBinding('__heirloom_invoke', async (source, channel: string, payload: unknown) => {
    ipcCalls.push({ channel, request: payload })
    if (faults.has(channel)) return { ok: true, value: faults.get(channel) }
    let request = payload
    if (request && typeof request === 'object' && 'paths' in request && Array.isArray(request.paths)) {
      const paths = (request.paths as unknown[]).map((p) => {
        const m = typeof p === 'string' ? /^dropped:(.+)$/.exec(p) : null
        return m ? join(dropDir, m[1]) : p
      })
      request = { ...request, paths }
    }
    return runtime.dispatcher.dispatch(channel, request, {
      url: source.frame.url(),
      isMainFrame: source.frame === source.page.mainFrame()
    })
  })
  await context.addInitScript({ content: bridgeInitScript() })
  const page = await context.newPage()
  pageRef.current = page
  await page.goto(server.url)
  return {
    page,
    context,
    runtime,
    dialogAnswers,
    saveAnswers,
    folderAnswers,
    modelFileAnswers,
    openedFolders,
    ipcCalls,
    userDataDir,
    dropDir,
    modelsDir,
    faults,
    async close() {
      await context.close()
      await browser.close()
      await runtime.dispose()
      await server.close()
    }
  }
}
