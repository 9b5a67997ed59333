import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import pkg from '../../package.json'
import { cliHint } from '../../src/main/cli/program'

const ROOT = join(__dirname, '..', '..')
const BIN = join(ROOT, 'bin', 'heirloom.cjs')
const built = existsSync(join(ROOT, 'out', 'main', 'cli.js'))

export function heirloom(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe.runIf(built)('heirloom CLI (built bin, plain Node)', () => {
  it('prints its version', () => {
    const r = heirloom(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe(pkg.version)
  })

  it('prints help with the global flags', () => {
    const r = heirloom(['--help'])
    expect(r.code).toBe(0)
    for (const flag of ['--models-dir', '--provider', '--json', '--debug']) expect(r.stdout).toContain(flag)
  })

  it('reports a bad command on one line with exit code 2 and no stack', () => {
    const r = heirloom(['frobnicate'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toMatch(/^heirloom: error: /)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('rejects an unknown provider', () => {
    const r = heirloom(['--provider', 'quantum', 'info'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^heirloom: error: .*quantum/)
  })
})

describe('heirloom bin before a build', () => {
  it('says the CLI must be built first', () => {
    // A copy of the bin in a folder with no out/ behaves like a fresh clone.
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-bin-'))
    mkdirSync(join(dir, 'bin'))
    copyFileSync(BIN, join(dir, 'bin', 'heirloom.cjs'))
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'heirloom.cjs'), '--version'], { encoding: 'utf8' })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('npm run build')
  })
})

describe('CLI hints for missing models', () => {
  it('says how to get a model from the command line: fetch/import when missing, import/mirror when offline', () => {
    expect(cliHint({ code: 'MODEL_MISSING', message: 'x', modelId: 'gfpgan-1.4' })).toContain(
      'heirloom models fetch gfpgan-1.4'
    )
    expect(cliHint({ code: 'DOWNLOAD_FAILED', message: 'x', modelId: 'yunet-2023mar' })).toMatch(
      /heirloom models import yunet-2023mar <file>.*HEIRLOOM_MODEL_MIRROR/
    )
    expect(cliHint({ code: 'DOWNLOAD_FAILED', message: 'x' })).toBe('')
  })

  it.runIf(built)('prints the hint after the error line of a real command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-hint-'))
    const r = heirloom(['--models-dir', dir, 'models', 'verify', 'gfpgan-1.4'])
    expect(r.code).toBe(7)
    expect(r.stderr.trim().split('\n')).toEqual([
      'heirloom: error: gfpgan-1.4 is not installed. Download it with `heirloom models fetch gfpgan-1.4`, or import a copy with `heirloom models import gfpgan-1.4 <file>`.'
    ])
  })
})
