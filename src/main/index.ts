import { app, BrowserWindow, dialog, ipcMain, Menu, session } from 'electron'
import { join } from 'node:path'
import { createAppRuntime } from './app-services'
import { defaultModelsDir } from './core/models/paths'
import { registerIpc, sendEvent } from './ipc/electron-bridge'
import { isTrustedRendererUrl, rendererEntry } from './window-options'

// Electron glue only: window, security, menu, dialogs, IPC registration. Everything else is plain Node.
let mainWindow: BrowserWindow | null = null

function hardenSessions(): void {
  // No web content gets camera, notifications, geolocation... Heirloom needs none.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
    contents.on('will-navigate', (event) => event.preventDefault())
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

function buildMenu(send: (action: string) => void): Menu {
  return Menu.buildFromTemplate([
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Photo…', accelerator: 'CmdOrCtrl+O', click: () => send('open') },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => send('export') },
        { type: 'separator' },
        { role: process.platform === 'darwin' ? 'close' : 'quit' }
      ]
    },
    {
      label: 'Edit',
      submenu: [
        { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: () => send('undo') },
        { label: 'Redo', accelerator: 'CmdOrCtrl+Shift+Z', click: () => send('redo') }
      ]
    },
    {
      label: 'View',
      submenu: [
        { label: 'Zoom In', accelerator: 'CmdOrCtrl+=', click: () => send('zoom-in') },
        { label: 'Zoom Out', accelerator: 'CmdOrCtrl+-', click: () => send('zoom-out') },
        { label: 'Fit', accelerator: 'CmdOrCtrl+0', click: () => send('zoom-fit') },
        { type: 'separator' },
        { role: 'toggleDevTools' }
      ]
    }
  ])
}

async function createWindow(): Promise<void> {
  const modelsDir = process.env.HEIRLOOM_MODELS_DIR ?? defaultModelsDir()
  const runtime = createAppRuntime({
    modelsDir,
    electronVersion: process.versions.electron,
    isTrustedSender: (url) => isTrustedRendererUrl(url, __dirname),
    emit: (event, payload) => {
      if (mainWindow) sendEvent(mainWindow.webContents, event, payload)
    },
    onInternalError: (channel, err) => console.error(`[ipc] ${channel} failed:`, err),
    dialogs: {
      async chooseImage() {
        const result = await dialog.showOpenDialog({
          title: 'Open photo',
          properties: ['openFile'],
          filters: [{ name: 'Images', extensions: ['jpg', 'jpeg', 'png', 'tif', 'tiff', 'webp', 'gif', 'avif', 'heic'] }]
        })
        return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]
      }
    }
  })
  registerIpc(ipcMain, runtime.dispatcher)

  // Security defaults: isolated, sandboxed renderer, no Node, web security on (asserted by a unit test).
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Heirloom',
    backgroundColor: '#1e1f22',
    webPreferences: {
      // Reviewed: the preload exposes named, validated functions only (no ipcRenderer, no Node).
      preload: join(__dirname, '../preload/index.js'), /* eng-disable PRELOAD_JS_CHECK */
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick'
    }
  })
  const win = mainWindow
  Menu.setApplicationMenu(buildMenu((action) => sendEvent(win.webContents, 'menuAction', { action })))
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    mainWindow = null
    void runtime.dispose()
  })
  const entry = rendererEntry(__dirname)
  if (entry.url) await win.loadURL(entry.url)
  else await win.loadFile(entry.file!)
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore()
      mainWindow.focus()
    }
  })
  void app.whenReady().then(async () => {
    hardenSessions()
    await createWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
