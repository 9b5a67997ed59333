import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { HeirloomError } from '../../src/main/core/errors'
import {
  autoProviderOrder,
  openSession,
  resetProviderHealth,
  runtimeInfo
} from '../../src/main/core/runtime/ort-adapter'
import { probeProvider } from '../../src/main/core/runtime/probe'
import { identityRestorer, negateRestorer, throwingModel, upscalerNearest, writeGraph } from '../fixtures/model-graphs'
import { describeShared, modelPath } from '../helpers/shared-assets'
import { codeOf } from '../helpers/heirloom-errors'

const dir = mkdtempSync(join(tmpdir(), 'heirloom-runtime-'))
afterAll(() => undefined)

const tensor = (n: number, dims: number[]) => ({
  type: 'float32' as const,
  data: Float32Array.from({ length: n }, (_, i) => i / n),
  dims
})

describe('ort-adapter', () => {
  it('opens a model from a path, exposes metadata and runs', async () => {
    const path = writeGraph(dir, 'neg.onnx', negateRestorer(8))
    const s = await openSession(path, { provider: 'cpu' })
    expect(s.provider).toBe('cpu')
    expect(s.inputNames).toEqual(['input'])
    expect(s.inputs[0]).toEqual({ name: 'input', type: 'float32', dims: [1, 3, 8, 8] })
    expect(s.outputs[0].dims).toEqual([1, 3, 8, 8])
    const out = await s.run({ input: tensor(192, [1, 3, 8, 8]) })
    expect(out.output.type).toBe('float32')
    expect(out.output.dims).toEqual([1, 3, 8, 8])
    expect((out.output.data as Float32Array)[50]).toBeCloseTo(-50 / 192, 6)
    await s.dispose()
  })

  it('reports symbolic dims from bytes', async () => {
    const s = await openSession(upscalerNearest(2), { provider: 'cpu' })
    expect(s.inputs[0].dims).toEqual([1, 3, 'h', 'w'])
    const out = await s.run({ input: tensor(3 * 4 * 6, [1, 3, 4, 6]) })
    expect(out.output.dims).toEqual([1, 3, 8, 12])
    await s.dispose()
  })

  it('auto falls back past providers that cannot run here and records cpu', async () => {
    resetProviderHealth()
    const order = autoProviderOrder()
    expect(order.at(-1)).toBe('cpu')
    const s = await openSession(identityRestorer(4), { provider: 'auto' })
    await s.run({ input: tensor(48, [1, 3, 4, 4]) })
    // No GPU on the build machine: whatever was tried first, the CPU is what ran.
    expect(s.provider).toBe('cpu')
    expect(runtimeInfo().lastProvider).toBe('cpu')
    if (!order.includes('webgpu')) expect(runtimeInfo().skipped.webgpu).toMatch(/Vulkan|adapter/)
    await s.dispose()
  })

  it('a WebGPU attempt fails cleanly here, falls back to cpu and is not retried', async () => {
    resetProviderHealth()
    const s = await openSession(identityRestorer(4), { provider: 'auto', order: ['webgpu'] })
    expect(s.provider).toBe('cpu')
    expect(runtimeInfo().skipped.webgpu).toMatch(/WebGPU adapter/)
    await s.dispose()
    // Marked broken for this process: the next auto session goes straight to the CPU.
    const again = await openSession(identityRestorer(4), { provider: 'auto', order: ['webgpu'] })
    expect(again.provider).toBe('cpu')
    await again.dispose()
  })

  it('an explicit unusable provider fails with MODEL_RUNTIME naming it', async () => {
    const err = await openSession(identityRestorer(4), { provider: 'webgpu' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HeirloomError)
    expect((err as HeirloomError).code).toBe('MODEL_RUNTIME')
    expect((err as HeirloomError).message).toMatch(/webgpu/)
  })

  it('probe reports the provider that really ran', async () => {
    expect(await probeProvider('auto')).toBe('cpu')
    expect(await probeProvider('cpu')).toBe('cpu')
  })

  it('missing file -> MODEL_MISSING, not ONNX -> MODEL_INVALID', async () => {
    expect(await codeOf(openSession(join(dir, 'nope.onnx')))).toBe('MODEL_MISSING')
    const junk = join(dir, 'junk.onnx')
    writeFileSync(junk, 'this is not a model at all, just text\n'.repeat(20))
    expect(await codeOf(openSession(junk))).toBe('MODEL_INVALID')
    expect(await codeOf(openSession(junk, { provider: 'webgpu' }))).toBe('MODEL_INVALID')
    expect(await codeOf(openSession(new Uint8Array(0)))).toBe('MODEL_INVALID')
  })

  it('a model that fails at run time -> MODEL_RUNTIME naming the model', async () => {
    const path = writeGraph(dir, 'throws.onnx', throwingModel())
    const s = await openSession(path)
    const err = await s.run({ input: tensor(48, [1, 3, 4, 4]) }).catch((e: unknown) => e)
    expect((err as HeirloomError).code).toBe('MODEL_RUNTIME')
    expect((err as HeirloomError).message).toContain('throws.onnx')
    await s.dispose()
  })

  it('wrong feeds -> MODEL_RUNTIME, run after dispose -> MODEL_RUNTIME', async () => {
    const s = await openSession(identityRestorer(4), { provider: 'cpu', label: 'stand-in' })
    const err = await s.run({ wrong: tensor(48, [1, 3, 4, 4]) }).catch((e: unknown) => e)
    expect((err as HeirloomError).code).toBe('MODEL_RUNTIME')
    expect((err as HeirloomError).message).toContain('stand-in')
    await s.dispose()
    expect(await codeOf(s.run({ input: tensor(48, [1, 3, 4, 4]) }))).toBe('MODEL_RUNTIME')
  })

  it('cancellation before and during a run -> CANCELLED', async () => {
    const s = await openSession(upscalerNearest(4), { provider: 'cpu' })
    const before = new AbortController()
    before.abort()
    expect(await codeOf(s.run({ input: tensor(3 * 8 * 8, [1, 3, 8, 8]) }, { signal: before.signal }))).toBe('CANCELLED')

    const during = new AbortController()
    const big = tensor(3 * 1024 * 1024, [1, 3, 1024, 1024])
    const pending = s.run({ input: big }, { signal: during.signal })
    during.abort()
    expect(await codeOf(pending)).toBe('CANCELLED')
    // The session stays usable and dispose waits for the abandoned native run.
    const ok = await s.run({ input: tensor(3 * 2 * 2, [1, 3, 2, 2]) })
    expect(ok.output.dims).toEqual([1, 3, 8, 8])
    await s.dispose()
  })
})

describeShared('ort-adapter with real models', () => {
  it('a truncated real ONNX -> MODEL_INVALID', async () => {
    const bytes = readFileSync(modelPath('yunet_n_dynamic.onnx'))
    const half = join(dir, 'yunet_half.onnx')
    writeFileSync(half, bytes.subarray(0, Math.floor(bytes.length / 2)))
    const err = await openSession(half).catch((e: unknown) => e)
    expect((err as HeirloomError).code).toBe('MODEL_INVALID')
    expect((err as HeirloomError).message).toContain('yunet_half.onnx')
  })

  it('reads real metadata from YuNet', async () => {
    const s = await openSession(modelPath('yunet_s_640_640.onnx'))
    expect(s.inputs[0]).toMatchObject({ name: 'input', type: 'float32', dims: [1, 3, 640, 640] })
    expect(s.outputNames).toContain('cls_8')
    await s.dispose()
  })
})
