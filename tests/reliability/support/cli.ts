/** Runs the BUILT `heirloom` bin as a child process (exit code, stdout, stderr, wall time, peak RSS, CPU time). */
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

export const ROOT = resolve(__dirname, '..', '..', '..')
const HOOK = join(__dirname, 'rss-hook.mjs')

let bin: string | undefined
let buildRoot: string | undefined

/**
 * Builds the app into a private folder once per test file and returns its `bin/heirloom.cjs` (a verbatim copy of
 * the repo's bin, which loads `../out/main/cli.js`). Other engineers rebuild the shared out/ at any moment; a
 * child process that loads half-replaced chunks would fail for reasons that have nothing to do with Heirloom.
 */
export function builtCli(): string {
  if (bin) return bin
  const root = mkdtempSync(join(tmpdir(), 'heirloom-rel-build-'))
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
      'build',
      '--outDir',
      join(root, 'out'),
      '--logLevel',
      'error'
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 300_000
    }
  )
  if (r.status !== 0 || !existsSync(join(root, 'out', 'main', 'cli.js'))) {
    throw new Error(`electron-vite build failed (${r.status}): ${r.stderr.slice(0, 2000)}`)
  }
  mkdirSync(join(root, 'bin'))
  copyFileSync(join(ROOT, 'bin', 'heirloom.cjs'), join(root, 'bin', 'heirloom.cjs'))
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir')
  buildRoot = root
  bin = join(root, 'bin', 'heirloom.cjs')
  return bin
}

/** Deletes the private build (call from afterAll). */
export function removeBuiltCli(): void {
  if (buildRoot) rmSync(buildRoot, { recursive: true, force: true })
  buildRoot = undefined
  bin = undefined
}

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
  /** Peak RSS of the CLI process (bytes), worker threads included. */
  maxRss?: number
  /** CPU time of the CLI process (user + system, all threads, ms): unlike `ms`, it does not grow with machine load. */
  cpuMs?: number
}

function rssFile(): { path: string; read(): { maxRss: number; cpuMs: number } | undefined; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'heirloom-rss-'))
  const path = join(dir, 'rss')
  return {
    path,
    read: () => {
      if (!existsSync(path)) return undefined
      const [maxRss, cpuMs] = readFileSync(path, 'utf8').split(' ').map(Number)
      return { maxRss, cpuMs }
    },
    done: () => rmSync(dir, { recursive: true, force: true })
  }
}

export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}
): CliRun {
  const rss = rssFile()
  const t0 = performance.now()
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(HOOK).href, builtCli(), ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...opts.env, HEIRLOOM_RSS_OUT: rss.path },
    timeout: opts.timeoutMs ?? 120_000
  })
  const ms = performance.now() - t0
  const usage = rss.read()
  rss.done()
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    ms,
    ...(usage ?? {})
  }
}

/** Starts the CLI without waiting (for kill tests). */
export function startCli(args: string[], opts: { env?: Record<string, string> } = {}) {
  const child = spawn(process.execPath, [builtCli(), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal }))
  )
  return { child, exited, output: () => ({ stdout, stderr }) }
}

/** Non-empty stderr lines. */
export function stderrLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '')
}
