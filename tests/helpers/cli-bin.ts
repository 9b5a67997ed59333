/** Runs the BUILT `heirloom` bin as a child process: with pipes (as in a script or CI log), or on a terminal. */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '..', '..')
export const BIN = join(ROOT, 'bin', 'heirloom.cjs')
export const cliBuilt = existsSync(join(ROOT, 'out', 'main', 'cli.js'))
/** util-linux `script` gives the child a pseudo-terminal (Debian's bsdutils; macOS's differs and is not used). */
export const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0

export interface BinRun {
  code: number | null
  stdout: string
  stderr: string
}

/** stdout and stderr are pipes: not a terminal. */
export function runPiped(args: string[], env: Record<string, string> = {}): BinRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * stdout and stderr are one pseudo-terminal (`script -qec`), as when a person types the command: `output` is what
 * the terminal received, escape sequences and carriage returns included.
 */
export function runOnTerminal(
  args: string[],
  env: Record<string, string> = {}
): { code: number | null; output: string } {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ')
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, COLUMNS: '200', ...env },
    timeout: 120_000
  })
  return { code: r.status, output: r.stdout }
}
