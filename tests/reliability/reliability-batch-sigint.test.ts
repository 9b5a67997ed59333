import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { FOLDER_LOCK_NAME } from '../../src/main/core/io/folder-lock'
import { JOURNAL_NAME, REPORT_NAME, type BatchReport } from '../../src/main/core/pipeline/batch'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'
import { builtCli, removeBuiltCli, runCli, startCli } from './support/cli'

/**
 * Ctrl-C on a batch (issue 12 items 3 and 6): the run ends with CANCELLED, the report is written, the output-folder
 * lock is released (a new batch may start at once) and --resume finishes the rest.
 */

let dir: string
let inputDir: string
let modelsDir: string
let restorer: string

const args = (out: string, ...extra: string[]): string[] => [
  '--models-dir',
  modelsDir,
  '--provider',
  'cpu',
  'batch',
  inputDir,
  '--out',
  out,
  '--model-file',
  restorer,
  '--model-kind',
  'gfpgan',
  ...extra
]

describeShared('Ctrl-C on a batch', () => {
  beforeAll(async () => {
    builtCli()
    dir = mkdtempSync(join(tmpdir(), 'heirloom-sigint-'))
    inputDir = join(dir, 'in')
    mkdirSync(inputDir)
    for (let i = 0; i < 12; i++) {
      await sharp(photoPath('old_faded_boy_glasses_298x450.png')).toFile(
        join(inputDir, `p${String(i).padStart(2, '0')}.png`)
      )
    }
    modelsDir = join(dir, 'models')
    await storeWithDetector(modelsDir)
    restorer = writeGraph(join(dir, 'graphs'), 'identity.onnx', identityRestorer(512))
  }, 300_000)
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
    removeBuiltCli()
  })

  it('SIGINT: exit 130, report written, lock released; resume finishes the rest', async () => {
    const out = join(dir, 'out')
    const run = startCli(args(out))
    // Wait for the first finished photo, then interrupt.
    const t0 = Date.now()
    while (!(existsSync(out) && readdirSync(out).some((f) => f.endsWith('.png'))) && Date.now() - t0 < 120_000) {
      await new Promise((r) => setTimeout(r, 100))
    }
    run.child.kill('SIGINT')
    const exit = await run.exited
    expect(exit.code, run.output().stderr).toBe(130)
    const report = JSON.parse(readFileSync(join(out, REPORT_NAME), 'utf8')) as BatchReport
    expect(report.cancelled).toBe(true)
    expect(report.ok).toBeGreaterThan(0)
    expect(report.ok).toBeLessThan(12)
    expect(existsSync(join(out, FOLDER_LOCK_NAME))).toBe(false)
    JSON.parse(readFileSync(join(out, JOURNAL_NAME), 'utf8'))

    const resumed = runCli(args(out, '--resume'))
    expect(resumed.code, resumed.stderr).toBe(0)
    const after = JSON.parse(readFileSync(join(out, REPORT_NAME), 'utf8')) as BatchReport
    expect(after.skipped).toBe(report.ok)
    expect(after.ok + after.skipped).toBe(12)
  }, 300_000)
})
