import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// `npm start` on a fresh clone: Electron >= 42 downloads nothing at install, so scripts/start.mjs must run Electron's
// installer, and say in one line what to do when that fails. The download is pointed at a closed local port so the
// test never depends on the network.
const ROOT = join(__dirname, '..', '..')
const START = join(ROOT, 'scripts', 'start.mjs')

function start(env: Record<string, string | undefined>) {
  const clean = { ...process.env }
  delete clean.ELECTRON_EXEC_PATH
  delete clean.ELECTRON_OVERRIDE_DIST_PATH
  const r = spawnSync(process.execPath, [START], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...clean, ...env },
    timeout: 120_000
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const binaryInstalled = existsSync(join(ROOT, 'node_modules', 'electron', 'path.txt'))

describe('npm start (scripts/start.mjs)', () => {
  it.skipIf(binaryInstalled)('with no Electron binary and no network: one clear line, exit 1, no stack', () => {
    const r = start({
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      electron_config_cache: mkdtempSync(join(tmpdir(), 'heirloom-ecache-'))
    })
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^heirloom: cannot start: the Electron [\d.]+ binary is missing and its download failed/)
    expect(lines[0]).toContain('npx install-electron')
    expect(lines[0]).toContain('ELECTRON_OVERRIDE_DIST_PATH')
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /)
    // It stops before building: nothing was built for a start that cannot happen.
    expect(r.stdout).not.toContain('built in')
  })

  it('an ELECTRON_OVERRIDE_DIST_PATH without an executable is named, not downloaded over', () => {
    const empty = mkdtempSync(join(tmpdir(), 'heirloom-nodist-'))
    const r = start({ ELECTRON_OVERRIDE_DIST_PATH: empty })
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`ELECTRON_OVERRIDE_DIST_PATH (${empty}) holds no Electron executable`)
    expect(r.stdout).not.toContain('downloading')
  })

  it.runIf(process.platform === 'linux')('with a binary present it builds once and starts the built app', () => {
    const dist = mkdtempSync(join(tmpdir(), 'heirloom-fakeelectron-'))
    const record = join(dist, 'ran.txt')
    // A stand-in executable where an unpacked Electron would be: it records how electron-vite launched it.
    writeFileSync(join(dist, 'electron'), `#!/bin/sh\necho "$PWD|$@" > "${record}"\n`)
    chmodSync(join(dist, 'electron'), 0o755)
    const r = start({ ELECTRON_OVERRIDE_DIST_PATH: dist })
    expect(r.code).toBe(0)
    expect(r.stdout.match(/built in/g)?.length ?? 0).toBeGreaterThanOrEqual(1)
    // One build pass (main, preload, renderer), not two: preview runs with --skipBuild.
    expect(r.stdout.split('building ').length - 1).toBeLessThanOrEqual(3)
    expect(readFileSync(record, 'utf8').trim()).toBe(`${ROOT}|.`)
    expect(existsSync(join(ROOT, 'out', 'main', 'index.js'))).toBe(true)
  })
})
