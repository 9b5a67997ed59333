import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { EXIT_CODES } from '../../src/shared/errors'
import {
  type Corpus,
  fullDiskFolder,
  readOnlyFolder,
  sha256File,
  type TmpMount,
  writeBadInputs
} from '../fixtures/bad-inputs'
import { identityRestorer, wrongShapeRestorer, writeGraph } from '../fixtures/model-graphs'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'
import { builtCli, removeBuiltCli, type CliRun, runCli, stderrLines } from './support/cli'
import { runtimeFailingRestorer } from './support/graphs'

let dir: string
let modelsDir: string
let corpus: Corpus
let restorer: string
const outDir = (): string => join(dir, 'out')

/** `--provider cpu` keeps the WebGPU probe's native stderr noise out of the one-line check (see report). */
const cli = (...args: string[]): CliRun => runCli(['--models-dir', modelsDir, '--provider', 'cpu', ...args])

/** A failed run: the documented exit code, exactly one `heirloom: error:` line, nothing on stdout, no stack. */
function expectCleanError(r: CliRun, code: keyof typeof EXIT_CODES, label: string): void {
  expect(r.signal, label).toBeNull()
  expect(r.code, `${label}: ${r.stderr}`).toBe(EXIT_CODES[code])
  const lines = stderrLines(r.stderr)
  expect(lines, label).toHaveLength(1)
  expect(lines[0], label).toMatch(/^heirloom: error: \S/)
  expect(r.stderr, label).not.toMatch(/\n\s+at |Error: |node:internal/)
  expect(r.stdout.trim(), label).toBe('')
}

describeShared('the bad-input corpus through the built CLI (child processes)', () => {
  beforeAll(async () => {
    builtCli()
    dir = mkdtempSync(join(tmpdir(), 'heirloom-rel-cli-'))
    corpus = await writeBadInputs(join(dir, 'corpus'), { source: photoPath('old_faded_boy_glasses_298x450.png') })
    modelsDir = join(dir, 'models')
    await storeWithDetector(modelsDir)
    restorer = writeGraph(join(dir, 'graphs'), 'identity.onnx', identityRestorer(512))
    mkdirSync(outDir(), { recursive: true })
  }, 300_000)
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
    removeBuiltCli()
  })

  it('detect, crop and restore: a correct result or one clear error per file; no partial output; input unchanged', async () => {
    const table: string[] = []
    for (const e of corpus.entries) {
      const stem = e.name
      const detect = cli('detect', e.path, '--json')
      const crop = cli('crop', e.path, '--out', join(outDir(), `${stem}.crop.png`))
      const restore = cli(
        'restore',
        e.path,
        '--out',
        join(outDir(), `${stem}.restored.png`),
        '--model-file',
        restorer,
        '--model-kind',
        'gfpgan'
      )
      if (e.code) {
        expectCleanError(detect, e.code, `${stem} detect`)
        expectCleanError(crop, e.code, `${stem} crop`)
        expectCleanError(restore, e.code, `${stem} restore`)
        expect(existsSync(join(outDir(), `${stem}.crop.png`))).toBe(false)
        expect(existsSync(join(outDir(), `${stem}.restored.png`))).toBe(false)
      } else {
        expect(detect.code, `${stem} detect: ${detect.stderr}`).toBe(0)
        const found = JSON.parse(detect.stdout) as { image: { width: number; height: number }; faces: unknown[] }
        expect(found.image).toEqual({ width: e.width, height: e.height })
        expect(found.faces).toHaveLength(1)
        expect(crop.code, `${stem} crop: ${crop.stderr}`).toBe(0)
        const c = await sharp(join(outDir(), `${stem}.crop.png`)).metadata()
        expect([c.width, c.height]).toEqual([512, 512])
        expect(restore.code, `${stem} restore: ${restore.stderr}`).toBe(0)
        const r = await sharp(join(outDir(), `${stem}.restored.png`)).metadata()
        expect([r.width, r.height]).toEqual([e.width, e.height])
      }
      expect(sha256File(e.path), `${stem} unchanged`).toBe(corpus.hashes.get(e.path))
      const show = (x: CliRun): string => (x.code === 0 ? 'ok' : `exit ${x.code}`)
      table.push(
        `${stem.padEnd(15)} detect ${show(detect)}, crop ${show(crop)}, restore ${show(restore)} (${detect.ms.toFixed(0)}/${crop.ms.toFixed(0)}/${restore.ms.toFixed(0)} ms)`
      )
    }
    // Only finished outputs, never a temp file, are left in the output folder.
    expect(readdirSync(outDir()).filter((f) => f.startsWith('.') || f.endsWith('.tmp'))).toEqual([])
    console.log(`[reliability] CLI corpus:\n  ${table.join('\n  ')}`)
  }, 240_000)

  it('refuses bombs from the header: no more CPU than a run that fails at once, with a small peak RSS', () => {
    // CPU time, not wall time (a busy machine stretches the latter): the same CLI refusing a missing file is the
    // baseline of start-up work; decoding any part of a 60000x60000 image would add seconds of CPU on top.
    const baseline = cli('detect', join(dir, 'no-such-photo.png'))
    expectCleanError(baseline, 'NOT_FOUND', 'missing file')
    expect(baseline.cpuMs).toBeDefined()
    for (const name of ['png-bomb', 'tiff-bomb']) {
      const r = cli('detect', corpus.byName(name).path)
      expectCleanError(r, 'TOO_LARGE', name)
      expect(r.cpuMs! - baseline.cpuMs!).toBeLessThan(500)
      expect(r.maxRss).toBeLessThan(300 * 1024 * 1024)
      console.log(
        `[reliability] CLI ${name}: exit ${r.code} after ${r.ms.toFixed(0)} ms wall, ${r.cpuMs!.toFixed(0)} ms CPU ` +
          `(a missing file: ${baseline.cpuMs!.toFixed(0)} ms CPU), peak RSS ${((r.maxRss ?? 0) / 1048576).toFixed(0)} MB`
      )
    }
  })

  it('outputs that cannot be written: read-only folder, full disk, existing file, the original itself', () => {
    const input = corpus.byName('unicode-path').path
    const mounts: TmpMount[] = [readOnlyFolder(join(dir, 'ro')), fullDiskFolder(join(dir, 'full'), 64 * 1024)]
    try {
      for (const m of mounts) {
        if (!m.mounted) {
          console.warn('[reliability] tmpfs unavailable (not root): write-failure CLI cases skipped')
          continue
        }
        const crop = cli('crop', input, '--out', join(m.dir, 'crop.png'))
        expectCleanError(crop, 'WRITE_FAILED', `crop into ${m.dir}`)
        const restore = cli(
          'restore',
          input,
          '--out',
          join(m.dir, 'restored.png'),
          '--model-file',
          restorer,
          '--model-kind',
          'gfpgan',
          '--upscale',
          '2'
        )
        expectCleanError(restore, 'WRITE_FAILED', `restore into ${m.dir}`)
        expect(readdirSync(m.dir)).toEqual([])
      }
      const existing = join(outDir(), 'exists.png')
      writeFileSync(existing, 'precious')
      const before = sha256File(existing)
      expectCleanError(
        cli('restore', input, '--out', existing, '--model-file', restorer, '--model-kind', 'gfpgan'),
        'OUTPUT_EXISTS',
        'existing'
      )
      expect(sha256File(existing)).toBe(before)
      const self = cli(
        'restore',
        input,
        '--out',
        input,
        '--overwrite',
        '--model-file',
        restorer,
        '--model-kind',
        'gfpgan'
      )
      expectCleanError(self, 'FORBIDDEN', 'over the original')
      expect(sha256File(input)).toBe(corpus.hashes.get(input))
    } finally {
      for (const m of mounts) m.cleanup()
    }
  })

  it('bad models: MODEL_MISSING / MODEL_INVALID / MODEL_CONTRACT exit 7, a failing run exit 8; no output', () => {
    const input = corpus.byName('unicode-path').path
    const g = join(dir, 'graphs')
    const good = identityRestorer(512)
    const cases: [string, keyof typeof EXIT_CODES][] = [
      [join(g, 'absent.onnx'), 'MODEL_MISSING'],
      [writeGraph(g, 'text.onnx', new TextEncoder().encode('not a model\n'.repeat(50))), 'MODEL_INVALID'],
      [writeGraph(g, 'cut.onnx', good.subarray(0, good.length >> 1)), 'MODEL_INVALID'],
      [writeGraph(g, 'wrong.onnx', wrongShapeRestorer(256)), 'MODEL_CONTRACT'],
      [writeGraph(g, 'throws.onnx', runtimeFailingRestorer(512)), 'MODEL_RUNTIME']
    ]
    for (const [file, code] of cases) {
      const out = join(outDir(), `model-${code}.png`)
      const r = cli('restore', input, '--out', out, '--model-file', file, '--model-kind', 'gfpgan')
      expectCleanError(r, code, file)
      expect(existsSync(out)).toBe(false)
    }
    // The default provider (auto: GPU probes, then CPU) must keep stderr to the same one line.
    const auto = runCli([
      '--models-dir',
      modelsDir,
      'restore',
      input,
      '--out',
      join(outDir(), 'auto.png'),
      '--model-file',
      cases[4][0],
      '--model-kind',
      'gfpgan'
    ])
    expectCleanError(auto, 'MODEL_RUNTIME', 'auto provider')
    expect(sha256File(input)).toBe(corpus.hashes.get(input))
  })
})
