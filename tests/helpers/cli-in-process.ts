import { vi } from 'vitest'
import { runCli } from '../../src/main/cli/program'

export interface InProcessRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs the `heirloom` program in this process with stdout/stderr captured (no build needed, coverage counts). */
export async function runCliInProcess(args: string[]): Promise<InProcessRun> {
  let stdout = ''
  let stderr = ''
  const o = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true))
  const e = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true))
  try {
    const code = await runCli(['node', 'heirloom', ...args])
    return { code, stdout, stderr }
  } finally {
    o.mockRestore()
    e.mockRestore()
  }
}
