import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { cliMessage } from '../../src/main/cli/error-words'
import { cliHint, runCli, type LicencePrompt } from '../../src/main/cli/program'
import { createEngine } from '../../src/main/core/engine'
import { toAppError } from '../../src/main/core/errors'
import { ModelStore } from '../../src/main/core/models/store'
import { openAgeModels } from '../../src/main/core/stages/age/models'
import { openRestoreDeps } from '../../src/main/core/pipeline/restore-deps'
import { openGenerateModels } from '../../src/main/core/stages/age/generate'
import {
  blockGeneratorGraph,
  halfMappingGraph,
  writeGraphFile,
  writeGraphWithExternalData
} from '../fixtures/age-graphs'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'
import { serveLocally, type LocalServer } from '../helpers/local-http'
import { describeShared, modelPath, photoPath } from '../helpers/shared-assets'

const ROOT = join(__dirname, '..', '..')
const work = mkdtempSync(join(tmpdir(), 'heirloom-lic-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

let server: LocalServer
const requests: string[] = []
beforeAll(async () => {
  server = await serveLocally((req, res) => {
    requests.push(req.url ?? '')
    res.writeHead(404).end()
  })
})
afterAll(() => server.close())

async function cli(
  args: string[],
  io: LicencePrompt,
  env: Record<string, string> = {}
): Promise<{ code: number; stderr: string }> {
  let stderr = ''
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  const e = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true))
  const saved = { ...process.env }
  Object.assign(process.env, { HEIRLOOM_MODEL_MIRROR: `${server.base}/m/`, ...env })
  try {
    return { code: await runCli(['node', 'heirloom', ...args], io), stderr }
  } finally {
    process.env = saved
    o.mockRestore()
    e.mockRestore()
  }
}

const noTerminal: LicencePrompt = { interactive: () => false, ask: () => Promise.reject(new Error('must not ask')) }

describeShared('non-commercial models are downloaded only once their licence is accepted', () => {
  it('non-interactive: stops with one line naming the flag, and downloads nothing', async () => {
    const dir = mkdtempSync(join(work, 'nc-'))
    requests.length = 0
    const r = await cli(
      ['--models-dir', dir, 'detect', photoPath('old_scratched_boy_256x256.png'), '--detector', 'scrfd-2.5g'],
      noTerminal
    )
    expect(r.code).toBe(7)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/SCRFD.*\(scrfd-2\.5g\) is not installed and licensed for non-commercial use only/)
    expect(r.stderr).toMatch(/--accept-license \(or HEIRLOOM_ACCEPT_LICENSE=1\)/)
    expect(requests).toEqual([])
  })

  it('in a terminal: asks once, remembers the answer per models folder; --accept-license needs no question', async () => {
    const dir = mkdtempSync(join(work, 'nc-'))
    const questions: string[] = []
    const yes: LicencePrompt = { interactive: () => true, ask: (q) => (questions.push(q), Promise.resolve('y')) }
    requests.length = 0
    const first = await cli(
      ['--models-dir', dir, 'detect', photoPath('old_scratched_boy_256x256.png'), '--detector', 'scrfd-2.5g'],
      yes
    )
    expect(questions).toHaveLength(1)
    expect(questions[0]).toMatch(/NOT for commercial use[\s\S]*Download .*\(scrfd-2\.5g\)\? \[y\/N\]/)
    // Accepted, so it went on to download (the test mirror has nothing: DOWNLOAD_FAILED).
    expect(first.code).toBe(9)
    expect(requests).toContain('/m/scrfd_2.5g.onnx')
    expect(JSON.parse(readFileSync(join(dir, 'licences.json'), 'utf8')).accepted['scrfd-2.5g']).toBeTruthy()
    const again = await cli(
      ['--models-dir', dir, 'detect', photoPath('old_scratched_boy_256x256.png'), '--detector', 'scrfd-2.5g'],
      yes
    )
    expect(questions).toHaveLength(1)
    expect(again.code).toBe(9)

    const other = mkdtempSync(join(work, 'nc-'))
    const no: LicencePrompt = { interactive: () => true, ask: () => Promise.resolve('n') }
    expect(
      (
        await cli(
          ['--models-dir', other, 'detect', photoPath('old_scratched_boy_256x256.png'), '--detector', 'scrfd-2.5g'],
          no
        )
      ).code
    ).toBe(7)
    const flag = await cli(
      [
        '--models-dir',
        other,
        '--accept-license',
        'detect',
        photoPath('old_scratched_boy_256x256.png'),
        '--detector',
        'scrfd-2.5g'
      ],
      noTerminal
    )
    expect(flag.code).toBe(9)
    const env = mkdtempSync(join(work, 'nc-'))
    expect(
      (
        await cli(
          ['--models-dir', env, 'detect', photoPath('old_scratched_boy_256x256.png'), '--detector', 'scrfd-2.5g'],
          noTerminal,
          { HEIRLOOM_ACCEPT_LICENSE: '1' }
        )
      ).code
    ).toBe(9)
  })
})

describeShared('batch stops once, in one line, for a licence to accept', () => {
  it('batch --model codeformer (non-commercial) without --accept-license: exit 7, the reason said once', async () => {
    const dir = mkdtempSync(join(work, 'batch-'))
    await new ModelStore({ dir }).importFile('yunet-2023mar', modelPath('yunet_s_640_640.onnx'))
    const input = mkdtempSync(join(work, 'batch-in-'))
    copyFileSync(photoPath('old_scratched_boy_256x256.png'), join(input, 'boy.png'))
    requests.length = 0
    const r = await cli(
      [
        '--models-dir',
        dir,
        'batch',
        input,
        '--out',
        join(input, '..', `${basename(input)}-out`),
        '--model',
        'codeformer'
      ],
      noTerminal
    )
    expect(r.code).toBe(7)
    expect(r.stderr.match(/licensed for non-commercial use only/g)).toHaveLength(1)
    expect(r.stderr).toMatch(/--accept-license/)
    expect(requests).toEqual([])
  })
})

describe('missing models are named together', () => {
  it("the latent aging route's three missing models come in one MODEL_MISSING, with one fetch command", async () => {
    const engine = createEngine({ modelsDir: mkdtempSync(join(work, 'set-')), provider: 'cpu' })
    const err = toAppError(await openAgeModels(engine).catch((e: unknown) => e))
    expect(err.code).toBe('MODEL_MISSING')
    expect(err.modelIds).toEqual(['e4e-ffhq-encoder', 'stylegan2-ffhq-generator', 'e4e-age-direction'])
    expect(err.message).toMatch(
      /^These models are not installed: .*\(e4e-ffhq-encoder\), .*\(stylegan2-ffhq-generator\), .*\(e4e-age-direction\)\.$/
    )
    expect(cliHint(err)).toBe(
      ' Download them with `heirloom models fetch e4e-ffhq-encoder stylegan2-ffhq-generator e4e-age-direction`, or import copies with `heirloom models import <id> <file>`.'
    )
  })
})

describe('restore names its missing models together', () => {
  it('restorer and background upscaler in one MODEL_MISSING', async () => {
    const engine = createEngine({ modelsDir: mkdtempSync(join(work, 'rset-')), provider: 'cpu' })
    const err = toAppError(await openRestoreDeps(engine, { bgUpscaler: 'real-esrgan-x2plus' }).catch((e: unknown) => e))
    expect(err).toMatchObject({
      code: 'MODEL_MISSING',
      modelIds: ['gfpgan-1.4', 'real-esrgan-x2plus']
    })
  })
})

describe('generate names a mapping import that works', () => {
  it('the hint `heirloom models import --kind mapping <file>` imports a mapping network generate then finds', async () => {
    const dir = mkdtempSync(join(work, 'map-'))
    const engine = createEngine({ modelsDir: dir, provider: 'cpu' })
    // The CLI's words for the core's neutral "mapping network missing" error.
    const words = cliMessage(toAppError(await openGenerateModels(engine).catch((e: unknown) => e)))
    const hint = /`heirloom (models import --kind mapping) <file\.onnx>`/.exec(words)
    expect(hint, words).not.toBeNull()
    const file = writeGraphFile(join(work, 'src'), 'ffhq-mapping.onnx', halfMappingGraph())
    const r = await cli(['--models-dir', dir, ...hint![1].split(' '), file], noTerminal)
    expect(r.code, r.stderr).toBe(0)
    expect(new ModelStore({ dir }).list().find((m) => m.kind === 'mapping')).toMatchObject({
      id: 'custom-ffhq-mapping',
      family: 'stylegan2'
    })
    // The shorter form some users type works too.
    const other = writeGraphFile(join(work, 'src2'), 'other-mapping.onnx', halfMappingGraph())
    expect((await cli(['--models-dir', dir, 'models', 'import', 'mapping', other], noTerminal)).code).toBe(0)
  })
})

describe('the custom-model store', () => {
  it('two files of the same name (different kinds) both stay; each verifies; removing one keeps the other', async () => {
    const dir = mkdtempSync(join(work, 'same-'))
    const store = new ModelStore({ dir })
    const a = writeGraph(join(work, 'a'), 'model.onnx', identityRestorer(512))
    const b = writeGraphFile(join(work, 'b'), 'model.onnx', halfMappingGraph())
    const ra = await store.importFile('restorer', a)
    const rb = await store.importFile('mapping', b)
    expect(ra.id).not.toBe(rb.id)
    expect(await store.verify(ra.id)).toBe(true)
    expect(await store.verify(rb.id)).toBe(true)
    await store.remove(ra.id)
    expect(await store.verify(rb.id)).toBe(true)
    expect(store.status(rb.id).state).toBe('unverified')
  })

  it('two models whose sidecars share a name keep their own weights; removing one never breaks the other', async () => {
    const dir = mkdtempSync(join(work, 'side-'))
    const store = new ModelStore({ dir })
    const one = writeGraphWithExternalData(join(work, 's1'), 'gen.onnx', blockGeneratorGraph(), ['gain'], {
      dataFile: 'w.bin'
    })
    // Another export (other graph name) whose weights file has the same name but other bytes.
    const two = writeGraphWithExternalData(
      join(work, 's2'),
      'gen2.onnx',
      { ...blockGeneratorGraph(), name: 'other' },
      ['gain'],
      {
        dataFile: 'w.bin'
      }
    )
    writeFileSync(
      two.data[0],
      readFileSync(two.data[0]).map((b) => b ^ 0x01)
    )
    const r1 = await store.importFile('age-generator', one.model, { family: 'stylegan2' })
    const r2 = await store.importFile('age-generator', two.model, { family: 'stylegan2' })
    expect(await store.verify(r1.id)).toBe(true)
    expect(await store.verify(r2.id)).toBe(true)
    await store.remove(r1.id)
    expect(await store.verify(r2.id)).toBe(true)
    const engine = createEngine({ modelsDir: dir, provider: 'cpu' })
    try {
      const loaded = await engine.openModel({ id: r2.id })
      expect(loaded.session.outputs[0]).toBeDefined()
    } finally {
      await engine.dispose()
    }
  })

  it('parallel imports from separate processes lose no registry entry', { timeout: 240_000 }, async () => {
    const built = existsSync(join(ROOT, 'out', 'main', 'cli.js'))
    expect(built, 'run `npm run build` first: this test starts the built CLI').toBe(true)
    const dir = mkdtempSync(join(work, 'par-'))
    const n = 6
    const files = Array.from({ length: n }, (_, i) =>
      writeGraphFile(join(work, `p${i}`), `map-${i}.onnx`, halfMappingGraph())
    )
    const codes = await Promise.all(
      files.map(
        (f) =>
          new Promise<{ code: number | null; err: string }>((resolve) => {
            const c = spawn(process.execPath, [
              join(ROOT, 'bin', 'heirloom.cjs'),
              '--models-dir',
              dir,
              'models',
              'import',
              '--kind',
              'mapping',
              f
            ])
            let err = ''
            c.stderr.on('data', (d: Buffer) => (err += d.toString()))
            c.stdout.resume()
            c.on('close', (code) => resolve({ code, err }))
          })
      )
    )
    expect(
      codes.map((c) => c.code),
      codes.map((c) => c.err).join('\n')
    ).toEqual(Array(n).fill(0))
    const ids = new ModelStore({ dir })
      .list()
      .filter((m) => m.custom)
      .map((m) => m.id)
      .sort()
    expect(ids).toEqual(files.map((_, i) => `custom-map-${i}`).sort())
  })
})
