import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { requestSchemas } from '../../src/shared/ipc/schemas'
import { invokeChannelName } from '../../src/shared/ipc/channels'

// A stand-in `electron` module records what the real main entry does with it.
const recorded = vi.hoisted(() => ({
  windowOptions: [] as unknown[],
  handled: new Map<string, (...args: unknown[]) => unknown>(),
  appEvents: new Map<string, (...args: unknown[]) => void>(),
  permissionRequest: undefined as undefined | ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void),
  permissionCheck: undefined as undefined | (() => boolean),
  singleInstance: 0,
  loaded: [] as string[],
  windows: [] as { handlers: Map<string, () => void> }[]
}))

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = { on: vi.fn(), send: vi.fn(), isDestroyed: () => false, mainFrame: {} }
    constructor(options: unknown) {
      recorded.windowOptions.push(options)
      recorded.windows.push(this)
    }
    once = vi.fn()
    on = vi.fn((event: string, fn: () => void) => this.handlers.set(event, fn))
    handlers = new Map<string, () => void>()
    maximize = vi.fn()
    isMaximized = () => false
    getNormalBounds = () => ({ x: 0, y: 0, width: 1280, height: 860 })
    setProgressBar = vi.fn()
    loadFile = vi.fn((f: string) => {
      recorded.loaded.push(f)
      return Promise.resolve()
    })
    loadURL = vi.fn((u: string) => {
      recorded.loaded.push(u)
      return Promise.resolve()
    })
  }
  const app = {
    getAppPath: () => process.cwd(),
    requestSingleInstanceLock: () => {
      recorded.singleInstance++
      return true
    },
    quit: vi.fn(),
    on: (event: string, fn: (...args: unknown[]) => void) => {
      recorded.appEvents.set(event, fn)
      return app
    },
    whenReady: () => Promise.resolve(),
    // The settings file goes to the same throwaway dir as the models.
    getPath: () => process.env.HEIRLOOM_MODELS_DIR ?? '.'
  }
  return {
    app,
    BrowserWindow,
    dialog: { showOpenDialog: vi.fn() },
    ipcMain: { handle: (channel: string, fn: (...args: unknown[]) => unknown) => recorded.handled.set(channel, fn) },
    Menu: { buildFromTemplate: vi.fn(() => ({})), setApplicationMenu: vi.fn() },
    shell: { openExternal: vi.fn() },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof recorded.permissionRequest) => (recorded.permissionRequest = fn),
        setPermissionCheckHandler: (fn: typeof recorded.permissionCheck) => (recorded.permissionCheck = fn)
      }
    }
  }
})

describe('Electron main entry (stand-in electron module)', () => {
  beforeAll(async () => {
    process.env.HEIRLOOM_MODELS_DIR = mkdtempSync(join(tmpdir(), 'heirloom-sec-'))
    await import('../../src/main/index')
    await vi.waitFor(() => expect(recorded.loaded.length).toBe(1))
  })

  it('creates every window isolated, sandboxed, without Node, with web security on', () => {
    expect(recorded.windowOptions).toHaveLength(1)
    const prefs = (recorded.windowOptions[0] as { webPreferences: Record<string, unknown> }).webPreferences
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      experimentalFeatures: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false
    })
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.js$/)
    // The window icon is a real file in resources/.
    expect(existsSync(String((recorded.windowOptions[0] as { icon?: string }).icon))).toBe(true)
    expect(recorded.loaded[0]).toMatch(/renderer[\\/]index\.html$/)
  })

  it('takes the single-instance lock', () => {
    expect(recorded.singleInstance).toBe(1)
    expect(recorded.appEvents.has('second-instance')).toBe(true)
  })

  it('registers a handler for every contract channel and nothing else', () => {
    const expected = Object.keys(requestSchemas).map((c) => invokeChannelName(c as keyof typeof requestSchemas))
    expect([...recorded.handled.keys()].sort()).toEqual(expected.sort())
  })

  it('denies permission requests and checks', () => {
    let granted: boolean | undefined
    recorded.permissionRequest!({}, 'media', (ok) => (granted = ok))
    expect(granted).toBe(false)
    expect(recorded.permissionCheck!()).toBe(false)
  })

  it('blocks navigation, window.open and webviews in every web contents', () => {
    const handlers = new Map<string, (e: { preventDefault(): void }) => void>()
    let openHandler: ((d: { url: string }) => { action: string }) | undefined
    const contents = {
      setWindowOpenHandler: (fn: typeof openHandler) => (openHandler = fn),
      on: (event: string, fn: (e: { preventDefault(): void }) => void) => handlers.set(event, fn)
    }
    recorded.appEvents.get('web-contents-created')!({}, contents)
    expect(openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' })
    expect(openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    for (const event of ['will-navigate', 'will-attach-webview']) {
      const preventDefault = vi.fn()
      handlers.get(event)!({ preventDefault })
      expect(preventDefault).toHaveBeenCalled()
    }
  })

  it('refuses IPC from a frame that is not the app page', async () => {
    const handler = recorded.handled.get(invokeChannelName('appInfo'))!
    const foreign = { senderFrame: { url: 'https://evil.example/' }, sender: { mainFrame: null } }
    foreign.sender.mainFrame = foreign.senderFrame as never
    const result = (await handler(foreign, undefined)) as { ok: boolean; error?: { code: string } }
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('on quit, waits for the pipeline to shut down (a worker ended mid-run aborts the process), then quits', async () => {
    const electron = await import('electron')
    // The stand-in's quit is a vi.fn, so reading it off the object is safe.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const quit = vi.mocked(electron.app.quit)
    quit.mockClear()
    recorded.windows[0].handlers.get('closed')!()
    const preventDefault = vi.fn()
    recorded.appEvents.get('will-quit')!({ preventDefault })
    expect(preventDefault).toHaveBeenCalledOnce()
    await vi.waitFor(() => expect(quit).toHaveBeenCalledOnce())
    // The second will-quit (from that quit) goes through.
    const again = vi.fn()
    recorded.appEvents.get('will-quit')!({ preventDefault: again })
    expect(again).not.toHaveBeenCalled()
  })
})
