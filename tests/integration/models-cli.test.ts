import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import type { CliContext, CliGlobals, ProgressReporter } from '../../src/main/cli/context'
import { registerInfoCommand } from '../../src/main/cli/commands/info'
import { licenceNotice, registerModelsCommand } from '../../src/main/cli/commands/models'
import { createEngine, type Engine } from '../../src/main/core/engine'
import { HeirloomError } from '../../src/main/core/errors'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'
import { describeShared, modelPath } from '../helpers/shared-assets'

/** Runs `heirloom <args>` in-process with only the models/info commands, capturing stdout/stderr. */
async function run(
  dir: string,
  args: string[],
  json = false
): Promise<{ out: string; err: string; error?: HeirloomError }> {
  const out: string[] = []
  const err: string[] = []
  let engine: Engine | undefined
  const globals: CliGlobals = { modelsDir: dir, provider: 'cpu', json, debug: false, acceptLicense: false }
  const progress = (): ProgressReporter => ({ start: () => undefined, update: () => undefined, stop: () => undefined })
  const ctx: CliContext = {
    globals: () => globals,
    engine: () => (engine ??= createEngine({ modelsDir: dir, provider: 'cpu' })),
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    progress,
    dispose: async () => engine?.dispose()
  }
  const program = new Command('heirloom').exitOverride()
  registerModelsCommand(program, ctx)
  registerInfoCommand(program, ctx)
  try {
    await program.parseAsync(args, { from: 'user' })
    return { out: out.join('\n'), err: err.join('\n') }
  } catch (e) {
    if (e instanceof HeirloomError) return { out: out.join('\n'), err: err.join('\n'), error: e }
    throw e
  } finally {
    await ctx.dispose()
  }
}

const work = mkdtempSync(join(tmpdir(), 'heirloom-cli-models-'))

describe('heirloom models / info', () => {
  it('list shows every model with licences; --json is parseable', async () => {
    const dir = join(work, 'list')
    const r = await run(dir, ['models', 'list'])
    expect(r.out).toMatch(/gfpgan-1\.4 \*\s+restorer\s+missing/)
    expect(r.out).toMatch(/codeformer .*non-commercial/)
    const j = await run(dir, ['models', 'list'], true)
    const parsed = JSON.parse(j.out) as { modelsDir: string; models: { id: string; state: string }[] }
    expect(parsed.modelsDir).toBe(dir)
    expect(parsed.models.find((m) => m.id === 'yunet-2023mar')?.state).toBe('missing')
  })

  it('import --kind, verify and remove a custom model', async () => {
    const dir = join(work, 'custom')
    const file = writeGraph(join(work, 'files'), 'mine.onnx', identityRestorer(512))
    const imp = await run(dir, ['models', 'import', '--kind', 'restorer', file])
    expect(imp.error).toBeUndefined()
    expect(imp.out).toContain('custom-mine: imported (unverified)')
    const v = await run(dir, ['models', 'verify', 'custom-mine'])
    expect(v.out).toBe('custom-mine: OK (SHA-256 of model.onnx)')
    const rm = await run(dir, ['models', 'remove', 'custom-mine'])
    expect(rm.out).toBe('custom-mine: removed (model.onnx)')
    expect(existsSync(join(dir, 'custom'))).toBe(false)
    // Removing what is not there says so.
    expect((await run(dir, ['models', 'remove', 'gfpgan-1.4'])).out).toBe(
      'gfpgan-1.4: not installed, nothing to remove'
    )
  })

  it('bad usage is INVALID_REQUEST; verify of a missing model is MODEL_MISSING', async () => {
    const dir = join(work, 'bad')
    expect((await run(dir, ['models', 'import', '--kind', 'toaster', 'x.onnx'])).error?.code).toBe('INVALID_REQUEST')
    expect((await run(dir, ['models', 'import', 'gfpgan-1.4'])).error?.code).toBe('INVALID_REQUEST')
    expect((await run(dir, ['models', 'fetch', 'no-such-model'])).error?.code).toBe('INVALID_REQUEST')
    expect((await run(dir, ['models', 'verify', 'gfpgan-1.4'])).error?.code).toBe('MODEL_MISSING')
  })

  it('non-commercial licences get a notice', () => {
    expect(licenceNotice({ name: 'CodeFormer', license: 'S-Lab', commercialUse: false })).toMatch(
      /NOT for commercial use/
    )
    expect(licenceNotice({ name: 'GFPGAN', license: 'Apache-2.0', commercialUse: true })).toBeUndefined()
  })

  it('info reports ORT, the provider that ran the probe and the models dir', async () => {
    const dir = join(work, 'info')
    const r = await run(dir, ['info'], true)
    const info = JSON.parse(r.out) as Record<string, unknown>
    expect(info.onnxruntime).toBe('1.30.0')
    expect(info.providerInUse).toBe('cpu')
    expect(info.modelsDir).toBe(dir)
    expect((info.providersTried as string[]).at(-1)).toBe('cpu')
    const text = await run(dir, ['info'])
    expect(text.out).toContain('In use: cpu')
  })
})

describeShared('heirloom models with a real file', () => {
  it('imports the shared YuNet as yunet-2023mar and verifies it', async () => {
    const dir = join(work, 'yunet')
    const imp = await run(dir, ['models', 'import', 'yunet-2023mar', modelPath('yunet_s_640_640.onnx')])
    expect(imp.out).toContain('yunet-2023mar: imported (installed)')
    expect((await run(dir, ['models', 'verify'])).out).toBe(
      'yunet-2023mar: OK (SHA-256 of face_detection_yunet_2023mar.onnx)'
    )
    const list = JSON.parse((await run(dir, ['models', 'list'], true)).out) as {
      models: { id: string; state: string }[]
    }
    expect(list.models.find((m) => m.id === 'yunet-2023mar')?.state).toBe('installed')
    const nc = await run(dir, ['models', 'import', 'codeformer', modelPath('yunet_s_640_640.onnx')])
    expect(nc.err).toMatch(/NOT for commercial use/)
    expect(nc.error?.code).toBe('MODEL_CONTRACT')
  })
})
