import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell } from 'electron'
import { join } from 'node:path'
import { createAppRuntime, taskbarProgress } from './app-services'
import { readablePhotoExtensions } from './core/image/photo-format'
import { defaultModelsDir } from './core/models/paths'
import { registerIpc, sendEvent } from './ipc/electron-bridge'
import { isTrustedRendererUrl, rendererEntry, restoredBounds } from './window-options'

// Electron glue only: window, security, menu, dialogs, IPC registration. Everything else is plain Node.
let mainWindow: BrowserWindow | null = null
/** The runtime's disposal once the window closed; the quit waits for it. */
let shuttingDown: Promise<void> | null = null

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
  const view = (label: string, action: string, accelerator?: string) => ({
    label,
    accelerator,
    click: () => send(action)
  })
  return Menu.buildFromTemplate([
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Photo…', accelerator: 'CmdOrCtrl+O', click: () => send('open') },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => send('export') },
        { label: 'Batch…', accelerator: 'CmdOrCtrl+B', click: () => send('batch') },
        { type: 'separator' },
        { role: process.platform === 'darwin' ? 'close' : 'quit' }
      ]
    },
    {
      label: 'Edit',
      submenu: [
        { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: () => send('undo') },
        { label: 'Redo', accelerator: 'CmdOrCtrl+Shift+Z', click: () => send('redo') },
        { type: 'separator' },
        { label: 'Select All Faces', accelerator: 'CmdOrCtrl+A', click: () => send('select-all') },
        { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => send('settings') }
      ]
    },
    {
      label: 'View',
      submenu: [
        { label: 'Zoom In', accelerator: 'CmdOrCtrl+=', click: () => send('zoom-in') },
        { label: 'Zoom Out', accelerator: 'CmdOrCtrl+-', click: () => send('zoom-out') },
        { label: 'Fit', accelerator: 'CmdOrCtrl+0', click: () => send('zoom-fit') },
        view('Actual Size (100 %)', 'zoom-100', 'CmdOrCtrl+1'),
        { type: 'separator' },
        view('Compare: Split', 'compare-split'),
        view('Compare: Side by Side', 'compare-side'),
        view('Compare: Off', 'compare-off'),
        { type: 'separator' },
        view('Models', 'panel-models'),
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
    userDataDir: app.getPath('userData'),
    electronVersion: process.versions.electron,
    isTrustedSender: (url) => isTrustedRendererUrl(url, __dirname),
    emit: (event, payload) => {
      if (!mainWindow) return
      sendEvent(mainWindow.webContents, event, payload)
      const fraction = taskbarProgress(event, payload)
      if (fraction !== undefined) mainWindow.setProgressBar(fraction)
    },
    shell: { openFolder: async (path) => void (await shell.openPath(path)) },
    onInternalError: (channel, err) => console.error(`[ipc] ${channel} failed:`, err),
    dialogs: {
      async chooseImage() {
        const result = await dialog.showOpenDialog({
          title: 'Open photo',
          properties: ['openFile'],
          // What the decoder really reads on this build (the batch engine's list too): no HEIC, which it cannot.
          filters: [{ name: 'Images', extensions: readablePhotoExtensions().map((e) => e.slice(1)) }]
        })
        return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]
      },
      async saveFile({ defaultPath, format }) {
        const ext = { png: ['png'], jpeg: ['jpg', 'jpeg'], tiff: ['tif', 'tiff'], webp: ['webp'] }[format]
        const result = await dialog.showSaveDialog({
          title: 'Export photo',
          defaultPath,
          filters: [{ name: format.toUpperCase(), extensions: ext }]
        })
        return result.canceled || !result.filePath ? null : result.filePath
      },
      async chooseFolder({ purpose, defaultPath }) {
        const result = await dialog.showOpenDialog({
          title: purpose === 'output' ? 'Choose output folder' : 'Choose folder of photos',
          defaultPath,
          properties: ['openDirectory', 'createDirectory']
        })
        return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]
      },
      async chooseModelFile() {
        const result = await dialog.showOpenDialog({
          title: 'Import model file',
          properties: ['openFile'],
          filters: [{ name: 'Models', extensions: ['onnx', 'npy'] }]
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
    icon: join(app.getAppPath(), 'resources', 'icon.png'),
    backgroundColor: '#1e1f22',
    webPreferences: {
      // Reviewed: the preload exposes named, validated functions only (no ipcRenderer, no Node).
      preload: join(__dirname, '../preload/index.js') /* eng-disable PRELOAD_JS_CHECK */,
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
    },
    ...restoredBounds(runtime.services.settings.get().window)
  })
  const win = mainWindow
  if (runtime.services.settings.get().window?.maximized) win.maximize()
  // Window state is remembered once on close, not on every resize event.
  win.on('close', () => {
    void runtime.services.settings.update({ window: { ...win.getNormalBounds(), maximized: win.isMaximized() } })
  })
  Menu.setApplicationMenu(buildMenu((action) => sendEvent(win.webContents, 'menuAction', { action })))
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    mainWindow = null
    shuttingDown = runtime.dispose().catch((err: unknown) => console.error('[app] shutdown failed:', err))
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
  app.on('will-quit', (event) => {
    if (!shuttingDown) return
    // Let the pipeline worker finish its model run and free its sessions first: ending its thread in the middle
    // of a native run aborts the process.
    const pending = shuttingDown
    shuttingDown = null
    event.preventDefault()
    void pending.finally(() => app.quit())
  })
}
