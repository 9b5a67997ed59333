#!/usr/bin/env node
// `npm start` (and `npm run dev` with --dev): make sure an Electron binary is there, build once, then open the
// built app (or the dev server with hot reload).
// Electron >= 42's npm package downloads nothing at install time and electron-vite's preview only reads
// node_modules/electron/path.txt, so a fresh clone must run Electron's own installer first.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const root = join(import.meta.dirname, '..')
const require = createRequire(join(root, 'package.json'))
const electronDir = dirname(require.resolve('electron/package.json'))
const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version
const bin = (name) => join(root, 'node_modules', '.bin', name)

function fail(message) {
  process.stderr.write(`heirloom: ${message}\n`)
  process.exit(1)
}

/** The executable inside an unpacked Electron folder, as Electron's own installer names it. */
function executableIn(distDir) {
  if (process.platform === 'darwin') return join(distDir, 'Electron.app/Contents/MacOS/Electron')
  return join(distDir, process.platform === 'win32' ? 'electron.exe' : 'electron')
}

/** The binary electron-vite will run, or null when none is installed. Never require('electron'): it downloads. */
function installedBinary() {
  if (process.env.ELECTRON_EXEC_PATH)
    return existsSync(process.env.ELECTRON_EXEC_PATH) ? process.env.ELECTRON_EXEC_PATH : null
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = executableIn(process.env.ELECTRON_OVERRIDE_DIST_PATH)
    if (existsSync(exe)) return exe
    fail(
      `ELECTRON_OVERRIDE_DIST_PATH (${process.env.ELECTRON_OVERRIDE_DIST_PATH}) holds no Electron executable; ` +
        `point it at an unpacked Electron ${electronVersion} folder, or unset it to download Electron.`
    )
  }
  const pathTxt = join(electronDir, 'path.txt')
  if (!existsSync(pathTxt)) return null
  const exe = join(electronDir, 'dist', readFileSync(pathTxt, 'utf8').trim())
  return existsSync(exe) ? exe : null
}

/**
 * Runs Electron's installer with its progress on the terminal. Its failure path prints a raw stack; a preload
 * keeps only the first line of what it reports, so the user gets one line from us instead.
 */
function installElectron() {
  const scratch = mkdtempSync(join(tmpdir(), 'heirloom-electron-'))
  const errFile = join(scratch, 'error.txt')
  try {
    process.stdout.write(`Electron ${electronVersion} is not installed yet; downloading it once (about 100 MB)...\n`)
    const r = spawnSync(
      process.execPath,
      ['--require', join(import.meta.dirname, 'electron-install-quiet.cjs'), join(electronDir, 'install.js')],
      { stdio: 'inherit', env: { ...process.env, HEIRLOOM_INSTALL_ERROR_FILE: errFile } }
    )
    if (r.status === 0 && installedBinary()) return
    const reason = existsSync(errFile)
      ? readFileSync(errFile, 'utf8').trim().split('\n')[0]
      : `installer exited with ${r.status}`
    const nodeMajorMinor = process.versions.node.split('.').map(Number)
    const oldNode = nodeMajorMinor[0] < 22 || (nodeMajorMinor[0] === 22 && nodeMajorMinor[1] < 12)
    fail(
      `cannot start: the Electron ${electronVersion} binary is missing and its download failed (${reason}). ` +
        'Run `npx install-electron` where there is internet, or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked ' +
        `Electron ${electronVersion} folder, then \`npm start\` again.` +
        (oldNode ? ` (Electron's installer declares Node >= 22.12; this is Node ${process.versions.node}.)` : '')
    )
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

const exe = installedBinary() ?? (installElectron(), installedBinary())
const env = { ...process.env, ELECTRON_EXEC_PATH: exe }
const run = (args) => spawnSync(bin('electron-vite'), args, { cwd: root, stdio: 'inherit', env }).status ?? 1

const args = process.argv.slice(2)
if (args[0] === '--dev') process.exit(run(['dev', ...args.slice(1)]))
const built = run(['build'])
if (built !== 0) process.exit(built)
process.exit(run(['preview', '--skipBuild', ...args]))
