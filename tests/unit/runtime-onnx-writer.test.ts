import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import {
  codeformerLike,
  identityRestorer,
  latentEncoderLike,
  latentGeneratorLike,
  negateRestorer,
  styleganexLike,
  throwingModel,
  unaryModel,
  upscalerNearest,
  wrongShapeRestorer
} from '../fixtures/model-graphs'
import { encodeModel } from '../fixtures/onnx-writer'

// The writer is test infrastructure, so this file talks to onnxruntime-node directly rather than via the adapter.
const open = (bytes: Uint8Array): Promise<ort.InferenceSession> =>
  ort.InferenceSession.create(bytes, { logSeverityLevel: 3 })

const ramp = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (i % 97) / 97 - 0.5)

describe('onnx-writer', () => {
  it('identityRestorer returns its input with the restorer names', async () => {
    const s = await open(identityRestorer(16))
    expect(s.inputNames).toEqual(['input'])
    expect(s.outputNames).toEqual(['output'])
    const data = ramp(3 * 16 * 16)
    const out = await s.run({ input: new ort.Tensor('float32', data, [1, 3, 16, 16]) })
    expect(out.output.dims).toEqual([1, 3, 16, 16])
    expect(Array.from(out.output.data as Float32Array)).toEqual(Array.from(data))
    await s.release()
  })

  it('negateRestorer negates', async () => {
    const s = await open(negateRestorer(8))
    const data = ramp(3 * 64)
    const out = await s.run({ input: new ort.Tensor('float32', data, [1, 3, 8, 8]) })
    const y = out.output.data as Float32Array
    expect(y[5]).toBeCloseTo(-data[5], 6)
    expect(y[100]).toBeCloseTo(-data[100], 6)
    await s.release()
  })

  it('codeformerLike scales by the float64 weight', async () => {
    const s = await open(codeformerLike(8))
    expect(s.inputNames).toEqual(['input', 'weight'])
    const data = ramp(3 * 64)
    const out = await s.run({
      input: new ort.Tensor('float32', data, [1, 3, 8, 8]),
      weight: new ort.Tensor('float64', Float64Array.from([0.25]), [1])
    })
    expect((out.output.data as Float32Array)[10]).toBeCloseTo(data[10] * 0.25, 6)
    await s.release()
  })

  it('wrongShapeRestorer declares a 256 crop', async () => {
    const s = await open(wrongShapeRestorer())
    const meta = s.inputMetadata[0]
    expect(meta.isTensor && meta.shape).toEqual([1, 3, 256, 256])
    await s.release()
  })

  it('throwingModel loads but fails at run time', async () => {
    const s = await open(throwingModel())
    await expect(s.run({ input: new ort.Tensor('float32', ramp(3 * 16), [1, 3, 4, 4]) })).rejects.toThrow()
    await s.release()
  })

  it('upscalerNearest scales dynamic inputs', async () => {
    const s = await open(upscalerNearest(2))
    const meta = s.inputMetadata[0]
    expect(meta.isTensor && meta.shape).toEqual([1, 3, 'h', 'w'])
    const data = ramp(3 * 5 * 7)
    const out = await s.run({ input: new ort.Tensor('float32', data, [1, 3, 5, 7]) })
    expect(out.output.dims).toEqual([1, 3, 10, 14])
    const y = out.output.data as Float32Array
    expect(y[1 * 14 + 3]).toBe(data[0 * 7 + 1]) // (row 1, col 3) comes from (0, 1)
    await s.release()
  })

  it('latent encoder/generator and styleganexLike run with their contracts', async () => {
    const enc = await open(latentEncoderLike())
    const x = new Float32Array(3 * 256 * 256).fill(0.5)
    const w = (await enc.run({ x: new ort.Tensor('float32', x, [1, 3, 256, 256]) })).output
    expect(w.dims).toEqual([1, 18, 512])
    expect((w.data as Float32Array)[777]).toBeCloseTo(0.5, 6)
    await enc.release()

    const gen = await open(latentGeneratorLike({ size: 64 }))
    const img = (
      await gen.run({ latent: new ort.Tensor('float32', new Float32Array(18 * 512).fill(0.3), [1, 18, 512]) })
    ).output
    expect(img.dims).toEqual([1, 3, 64, 64])
    expect((img.data as Float32Array)[4000]).toBeCloseTo(Math.tanh(0.3), 5)
    await gen.release()

    const sx = await open(styleganexLike())
    const out = await sx.run({
      target: new ort.Tensor('float32', new Float32Array(3 * 256 * 256).fill(0.1), [1, 3, 256, 256]),
      target_with_background: new ort.Tensor('float32', new Float32Array(3 * 384 * 384), [1, 3, 384, 384]),
      direction: new ort.Tensor('float32', Float32Array.from([-0.5]), [1])
    })
    expect(out.output.dims).toEqual([1, 3, 1024, 1024])
    expect((out.output.data as Float32Array)[12345]).toBeCloseTo(-0.4, 6)
    await sx.release()
  })

  it('encodes float/int/string attributes and symbolic dims', async () => {
    const s = await open(unaryModel('LeakyRelu', [1, 'n'], { alpha: 0.5 }))
    const out = await s.run({ input: new ort.Tensor('float32', Float32Array.from([-2, 3]), [1, 2]) })
    expect(Array.from(out.output.data as Float32Array)).toEqual([-1, 3])
    await s.release()

    const t = await open(
      encodeModel({
        inputs: [{ name: 'a', type: 'float32', dims: [2, 3] }],
        outputs: [{ name: 'b', type: 'float32', dims: [3, 2] }],
        nodes: [{ op: 'Transpose', inputs: ['a'], outputs: ['b'], attrs: { perm: [1, 0] } }]
      })
    )
    const r = await t.run({ a: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]) })
    expect(Array.from(r.b.data as Float32Array)).toEqual([1, 4, 2, 5, 3, 6])
    await t.release()
  })

  it('a truncated model is rejected by onnxruntime', async () => {
    const bytes = identityRestorer(8)
    await expect(open(bytes.subarray(0, Math.floor(bytes.length / 2)))).rejects.toThrow()
  })
})
