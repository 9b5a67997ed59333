/**
 * Issue 20, items 3-8: what a person with a folder of scans reads. Native noise kept out (in Heirloom's words
 * instead, raw with --debug), one meaning per flag, numeric flags that refuse non-numbers, exit codes that match
 * the README, one hint per error line, years only where they are real, and examples at the end of every --help.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT_CODES } from '../../src/shared/errors'
import { EXAMPLES, commandPath } from '../../src/main/cli/examples'
import { SOME_FAILED_EXIT } from '../../src/main/cli/exit'
import { errorLine } from '../../src/main/cli/hints'
import { buildProgram } from '../../src/main/cli/program'
import { toAppError } from '../../src/main/core/errors'
import { createEngine } from '../../src/main/core/engine'
import { downloadFile } from '../../src/main/core/models/download'
import { openAgeModels, plannedCalibration } from '../../src/main/core/stages/age/models'
import { providerUnavailable } from '../../src/main/core/runtime/ort-adapter'
import { blockEncoderGraph, blockGeneratorGraph, styleganexGraph, writeGraphFile } from '../fixtures/age-graphs'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'
import { runtimeFailingRestorer } from '../reliability/support/graphs'
import { runCliInProcess } from '../helpers/cli-in-process'
import { BIN, ROOT, cliBuilt, runPiped } from '../helpers/cli-bin'
import { placeDetectorFile } from '../helpers/models-dir'
import { describeShared, modelPath, photoPath } from '../helpers/shared-assets'

// onnxruntime's log lines, Dawn's warning, and any colour escape (ORT's errors are red).
const NATIVE_NOISE = new RegExp(`\\[E:onnxruntime|\\[W:onnxruntime|Couldn't load Vulkan|${String.fromCharCode(27)}\\[`)

let root: string
let models: string
const f = (name: string): string => join(root, name)

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'heirloom-cli-words-'))
  models = join(root, 'models')
  placeDetectorFile(models)
  writeGraph(root, 'identity.onnx', identityRestorer())
  writeGraph(root, 'fails.onnx', runtimeFailingRestorer())
  writeGraphFile(root, 'enc.onnx', blockEncoderGraph())
  writeGraphFile(root, 'gen.onnx', blockGeneratorGraph())
  writeGraphFile(root, 'sx.onnx', styleganexGraph())
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const cli = (...args: string[]) => runCliInProcess([...args, '--models-dir', models, '--provider', 'cpu'])
const restorer = (file = 'identity.onnx'): string[] => ['--model-file', f(file), '--model-kind', 'gfpgan']
const latent = (): string[] => [
  '--encoder-file',
  f('enc.onnx'),
  '--generator-file',
  f('gen.onnx'),
  '--direction-file',
  modelPath('e4e_age_direction.npy'),
  '--verify',
  'never'
]
const styleganex = (): string[] => ['--age-model-file', f('sx.onnx'), '--age-model-kind', 'styleganex']

/** The whole program's commands, subcommands included, by path ("models fetch"). */
function allCommands(): Command[] {
  const out: Command[] = []
  const visit = (c: Command): void => {
    out.push(c)
    c.commands.forEach(visit)
  }
  buildProgram().program.commands.forEach(visit)
  return out
}

const describeBuilt = cliBuilt ? describeShared : describe.skip

describeBuilt('native noise: onnxruntime and Dawn stay quiet; Heirloom says what failed (built bin)', () => {
  const input = (): string => photoPath('old_scratched_boy_256x256.png')

  it('--provider cuda / webgpu: one Heirloom line naming what is missing and what to use instead', () => {
    for (const provider of ['cuda', 'webgpu'] as const) {
      const r = runPiped(['restore', input(), '--out', f(`p-${provider}.png`), ...restorer(), '--provider', provider], {
        HEIRLOOM_MODELS_DIR: models
      })
      expect(r.stderr).not.toMatch(NATIVE_NOISE)
      const why = providerUnavailable(provider)
      if (why) {
        // Known before trying: nothing native runs, so nothing native can print.
        expect(r.code).toBe(8)
        expect(r.stderr.trim().split('\n')).toEqual([
          `heirloom: error: Cannot use --provider ${provider}: ${why}. Use --provider auto to run on the CPU instead.`
        ])
      } else {
        // A machine that has it: it runs, or fails in one line of our words.
        expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(1)
      }
    }
  })

  it('a model that fails while running (a bad Reshape): one line; the raw ORT text only with --debug', () => {
    const args = ['restore', input(), '--out', f('fails.png'), ...restorer('fails.onnx'), '--verify', 'never']
    const quiet = runPiped(args, { HEIRLOOM_MODELS_DIR: models })
    expect(quiet.code).toBe(8)
    expect(quiet.stderr.trim().split('\n')).toHaveLength(1)
    expect(quiet.stderr).toMatch(/^heirloom: error: Model fails\.onnx failed to run: .*reshaped/)
    expect(quiet.stderr).not.toMatch(NATIVE_NOISE)
    const debug = runPiped([...args, '--debug'], { HEIRLOOM_MODELS_DIR: models })
    expect(debug.code).toBe(8)
    expect(debug.stderr).toMatch(/\[E:onnxruntime.*Reshape/)
  })
})

describeShared('flags: one meaning each, numbers that are numbers, model files where ids go', () => {
  it('age takes <image|folder>; --face means one face (crop), --faces a list (restore, batch, age)', () => {
    const help = (name: string): string => {
      const cmd = allCommands().find((c) => commandPath(c) === name)!
      return cmd.helpInformation()
    }
    expect(help('age')).toMatch(/^Usage: heirloom age \[options\] <image\|folder>/)
    expect(help('batch')).toMatch(/<dir>/)
    for (const cmd of allCommands()) {
      const flags = cmd.options.map((o) => o.long)
      if (flags.includes('--face')) expect(commandPath(cmd)).toBe('crop')
      // `queue add` takes batch's restore flags, for workers to run.
      if (flags.includes('--faces')) expect(['restore', 'batch', 'age', 'queue add']).toContain(commandPath(cmd))
    }
  })

  it('age --face is refused with the suggestion, on one line', async () => {
    const r = await cli('age', photoPath('old_scratched_boy_256x256.png'), '--out', f('x.png'), '--face', '0')
    expect(r.code).toBe(2)
    expect(r.stderr).toBe("heirloom: error: unknown option '--face' (Did you mean --faces?)\n")
  })

  it('numeric flags refuse empty, blank, hex and text values (exit 2) instead of reading them as 0', async () => {
    const photo = photoPath('old_scratched_boy_256x256.png')
    const cases: string[][] = [
      ['restore', photo, '--out', f('n1.png'), '--strength', ''],
      ['restore', photo, '--out', f('n2.png'), '--fidelity', ' '],
      ['restore', photo, '--out', f('n3.png'), '--bg-tile', '0x100'],
      ['batch', root, '--out', f('n4'), '--strength', 'half'],
      ['age', photo, '--out', f('n5.png'), '--edit-factor', ''],
      ['age', photo, '--out', f('n6.png'), '--edit-factor', '1', '--strength', ''],
      ['detect', photo, '--min-score', ''],
      ['crop', photo, '--out', f('n7.png'), '--size', '12.5e1'],
      ['crop', photo, '--out', f('n8.png'), '--face', ''],
      ['generate', '--seed', '1', '--out', f('n9.png'), '--truncation', ''],
      // Not numeric, but an empty value is never a choice either ('' would have meant "all faces", "here").
      ['restore', photo, '--out', f('n10.png'), '--faces', ''],
      ['restore', photo, '--out', '', ...restorer()],
      ['age', photo, '--out', f('n11.png'), '--edit-factor', '1', '--layers', ' ']
    ]
    for (const args of cases) {
      const r = await cli(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(
        /^heirloom: error: --[a-z-]+ (must be a (number|whole number)|needs a value; it was given an empty one)/
      )
    }
    // A global flag too (cli() would add its own --models-dir after it).
    const emptyDir = await runCliInProcess(['detect', photo, '--models-dir', ''])
    expect([emptyDir.code, emptyDir.stderr]).toEqual([
      2,
      'heirloom: error: --models-dir needs a value; it was given an empty one.\n'
    ])
  })

  it('--restore-after takes a restorer file (with --restore-kind) as well as an id', async () => {
    const photo = photoPath('old_scratched_boy_256x256.png')
    const base = ['age', photo, '--edit-factor', '1', ...latent()]
    const noKind = await cli(...base, '--out', f('ra0.png'), '--restore-after', f('identity.onnx'))
    expect(noKind.code).toBe(2)
    expect(noKind.stderr).toMatch(/--restore-kind gfpgan\|codeformer\|gpen\|restoreformer/)
    const ok = await cli(
      ...base,
      '--out',
      f('ra1.png'),
      '--restore-after',
      f('identity.onnx'),
      '--restore-kind',
      'gfpgan',
      '--json'
    )
    expect(ok.code, ok.stderr).toBe(0)
    expect((JSON.parse(ok.stdout) as { restoredWith: string }).restoredWith).toBe('file-identity.onnx')
    // An id is taken as an id (not a file): here an installed model that is not a restorer, so nothing downloads.
    const byId = await cli(...base, '--out', f('ra2.png'), '--restore-after', 'yunet-2023mar')
    expect(byId.code).toBe(2)
    expect(byId.stderr).toMatch(/--restore-after takes a restorer; "yunet-2023mar" is a detector/)
  })
})

describeShared('exit codes, documented per command', () => {
  it('detect: a photo without faces is not an error (exit 0, an empty list); crop and restore exit 6', async () => {
    const street = photoPath('old_no_face_street_736x1016.png')
    const json = await cli('detect', street, '--json')
    expect(json.code).toBe(0)
    expect((JSON.parse(json.stdout) as { faces: unknown[] }).faces).toEqual([])
    const text = await cli('detect', street)
    expect([text.code, text.stdout]).toEqual([0, expect.stringMatching(/0 face\(s\)/)])
    expect((await cli('crop', street, '--out', f('c.png'))).code).toBe(EXIT_CODES.NO_FACE)
    expect((await cli('restore', street, '--out', f('r.png'), ...restorer())).code).toBe(EXIT_CODES.NO_FACE)
  })

  it('"already exists" names --overwrite (single photo and folder jobs)', async () => {
    const photo = photoPath('old_scratched_boy_256x256.png')
    expect((await cli('restore', photo, '--out', f('exists.png'), ...restorer())).code).toBe(0)
    const again = await cli('restore', photo, '--out', f('exists.png'), ...restorer())
    expect(again.code).toBe(EXIT_CODES.OUTPUT_EXISTS)
    expect(again.stderr).toBe(`heirloom: error: "${f('exists.png')}" already exists. Use --overwrite to replace it.\n`)
  })

  it('the README table lists every exit code the CLI uses, 12 (some photos failed) included', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const documented = new Set([...readme.matchAll(/^\| (\d+) +\|/gm)].map((m) => Number(m[1])))
    for (const code of [...Object.values(EXIT_CODES), SOME_FAILED_EXIT]) expect(documented).toContain(code)
    expect(readme).toMatch(/`detect` exits 0 when the photo has no face/)
  })
})

describe('one hint per error line', () => {
  it('a download with every source unreachable: the reason once, then one action (not "offline? Offline?")', async () => {
    const err = toAppError(
      await downloadFile(['http://a.heirloom-test.invalid/m.onnx', 'http://b.heirloom-test.invalid/m.onnx'], f('m'), {
        retries: 0,
        backoffMs: 1
      }).catch((e: unknown) => e)
    )
    expect(err.code).toBe('DOWNLOAD_FAILED')
    const line = errorLine({ ...err, modelId: 'gfpgan-1.4' })
    expect(line.match(/offline\?/gi)?.length ?? 0).toBeLessThanOrEqual(1)
    expect(line.match(/heirloom models import/g)).toHaveLength(1)
    // Both sources failed the same way: one reason, both addresses.
    expect(line).toMatch(/a\.heirloom-test\.invalid\/m\.onnx, http:\/\/b\.heirloom-test\.invalid\/m\.onnx: /)
    expect(line).toMatch(/\. To install it without downloading, copy the file to this machine and run/)
  })

  it('a message with its own --overwrite advice gets no second one', () => {
    const batchMessage = { code: 'OUTPUT_EXISTS' as const, message: '"x" already exists; use --overwrite or --resume.' }
    expect(errorLine(batchMessage)).toBe('heirloom: error: "x" already exists; use --overwrite or --resume.')
  })
})

describeShared('years only where they are real', () => {
  const photo = (): string => photoPath('old_scratched_two_faces_400x256.png')

  it('--delta on the uncalibrated latent and StyleGANEX routes is refused, pointing to --edit-factor', async () => {
    for (const route of [latent(), [...styleganex(), '--verify', 'never']]) {
      const r = await cli('age', photo(), '--out', f('y.png'), '--delta', '20', ...route)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/no calibration from its edit factor to years.*--edit-factor <k>/)
    }
  })

  it('--edit-factor is labelled older/younger by its factor, positive = older on every route', async () => {
    const lat = await cli('age', photo(), '--out', f('e1.png'), '--edit-factor', '2', ...latent())
    expect(lat.code).toBe(0)
    expect(lat.stdout).toMatch(/face 0: .*older \(factor \+2\.00, uncalibrated: not a number of years\)/)
    expect(lat.stdout).not.toMatch(/years older/)
    const sx = await cli('age', photo(), '--out', f('e2.png'), '--edit-factor', '1', ...styleganex(), '--json')
    expect(sx.code).toBe(0)
    const j = JSON.parse(sx.stdout) as {
      calibration: { calibrated: boolean; directionSign: number }
      faces: { applied: { editFactor: number } }[]
    }
    // StyleGANEX ages with a negative direction: +1 older reaches the model as -1.
    expect(j.calibration).toEqual({ calibrated: false, directionSign: -1 })
    expect(j.faces[0].applied.editFactor).toBe(-1)
  })

  it('years are refused before anything downloads: a fresh models folder gets exit 2, not a download', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'heirloom-cli-fresh-'))
    try {
      const r = await runCliInProcess(['age', photo(), '--out', f('z.png'), '--delta', '20', '--models-dir', fresh])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/no calibration from its edit factor to years/)
      expect(readdirSync(fresh)).toEqual([])
    } finally {
      rmSync(fresh, { recursive: true, force: true })
    }
  })

  it('the planned calibration (no model opened) is the one the opened route uses', async () => {
    const engine = createEngine({ modelsDir: models })
    try {
      const latentChoice = {
        encoder: { file: f('enc.onnx') },
        generator: { file: f('gen.onnx') },
        direction: { file: modelPath('e4e_age_direction.npy') }
      }
      const sxChoice = { ageModelFile: f('sx.onnx'), ageModelKind: 'styleganex' as const }
      for (const choice of [latentChoice, sxChoice, { ...latentChoice, latentPerYear: 0.08 }]) {
        const opened = await openAgeModels(engine, choice)
        expect(opened.route === 'sam' ? undefined : opened.calibration).toEqual(plannedCalibration(engine, choice))
      }
      expect(plannedCalibration(engine, sxChoice)).toMatchObject({ directionSign: -1 })
      expect(plannedCalibration(engine, latentChoice)?.calibrated).toBeUndefined()
      expect(plannedCalibration(engine, { ...latentChoice, latentPerYear: 0.08 })?.calibrated).toBe(true)
      // The manifest's e4e direction carries 0.1 per year, and it is still only a guess.
      expect(plannedCalibration(engine, { model: 'e4e-ffhq-encoder' })).toMatchObject({ latentPerYear: 0.1 })
      expect(plannedCalibration(engine, { model: 'e4e-ffhq-encoder' })?.calibrated).toBeUndefined()
      expect(plannedCalibration(engine, { model: 'sam-encoder' })).toBeUndefined()
    } finally {
      await engine.dispose()
    }
  })

  it('with a calibration the user measured (--latent-per-year), --delta speaks in years', async () => {
    const r = await cli('age', photo(), '--out', f('d.png'), '--delta', '20', '--latent-per-year', '0.1', ...latent())
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/20 years older \(factor \+2\.00, calibrated\)/)
  })
})

describe.runIf(cliBuilt)('a reader that stops early (`heirloom age --help | head -1`)', () => {
  it('ends quietly: no EPIPE stack trace, exit 0', async () => {
    const child = spawn(process.execPath, [BIN, 'age', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] })
    // Close our end before the child writes: its first write meets a closed pipe.
    child.stdout.destroy()
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((r) => child.on('close', r))
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /)
    expect(code).toBe(0)
  })
})

describe('every --help ends with real examples', () => {
  it('each command has two or three, printed last, using only flags that command has', async () => {
    const globals = ['--models-dir', '--provider', '--json', '--debug']
    for (const cmd of allCommands()) {
      const path = commandPath(cmd)
      const examples = EXAMPLES[path]
      expect(examples, `${path} has no examples`).toBeDefined()
      expect(examples.length).toBeGreaterThanOrEqual(2)
      expect(examples.length).toBeLessThanOrEqual(3)
      const r = await runCliInProcess([...path.split(' '), '--help'])
      expect(r.code).toBe(0)
      const tail = r.stdout.slice(r.stdout.lastIndexOf('\nExamples:\n'))
      expect(tail.match(/^ {2}\$ /gm), path).toHaveLength(examples.length)
      for (const [line] of examples) {
        // Every example runs this command (or, for a parent such as `models`, one of its subcommands), and every
        // flag it uses exists on the command that runs (or globally).
        const self = line.split('&&').find((part) => part.includes(`heirloom ${path}`))
        expect(self, `${path}: ${line}`).toBeDefined()
        const words = self!.slice(self!.indexOf('heirloom ') + 'heirloom '.length).split(/\s+/)
        let runs = cmd
        for (const w of words.slice(path.split(' ').length)) {
          const sub = runs.commands.find((c) => c.name() === w)
          if (!sub) break
          runs = sub
        }
        const own = runs.options.map((o) => o.long)
        for (const flag of self!.match(/--[a-z-]+/g) ?? []) {
          expect([...own, ...globals], `${path}: ${flag}`).toContain(flag)
        }
      }
    }
  })

  it('model ids in the examples exist in the manifest', async () => {
    const list = await runCliInProcess(['models', 'list', '--json', '--models-dir', models])
    const ids = new Set((JSON.parse(list.stdout) as { models: { id: string }[] }).models.map((m) => m.id))
    for (const [path, examples] of Object.entries(EXAMPLES)) {
      for (const [line] of examples) {
        for (const part of line.split('&&')) {
          const words = part.trim().split(/\s+/)
          const at = words.findIndex((w, i) => words[i - 1] === 'models' && /^(fetch|import|verify|remove)$/.test(w))
          if (at < 0) continue
          // The ids: the words after the subcommand, up to the first flag or file.
          for (const id of words.slice(at + 1)) {
            if (id.startsWith('-') || id.includes('/') || id.endsWith('.onnx')) break
            expect(ids, `${path}: ${id}`).toContain(id)
          }
        }
        for (const m of line.matchAll(/--model(?:-id)? ([a-z0-9.+-]+)/g))
          expect(ids, `${path}: ${m[1]}`).toContain(m[1])
      }
    }
  })
})
