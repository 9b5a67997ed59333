import { describe, expect, it } from 'vitest'
import type { ModelContract } from '../../src/shared/model-manifest'
import { HeirloomError } from '../../src/main/core/errors'
import { bindInputs, checkContract, hasInput, pickOutput } from '../../src/main/core/runtime/contract'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import { codeformerLike, identityRestorer, upscalerNearest, wrongShapeRestorer } from '../fixtures/model-graphs'
import { encodeModel } from '../fixtures/onnx-writer'

const restorer: ModelContract = {
  inputs: [{ name: 'input', dims: [1, 3, 512, 512], dtype: 'float32' }],
  outputs: [{ name: 'output', dims: [1, 3, 512, 512], dtype: 'float32' }],
  layout: 'NCHW',
  channels: 'RGB',
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5]
}
const codeformer: ModelContract = {
  ...restorer,
  inputs: [...restorer.inputs, { name: 'weight', dims: [1], dtype: 'float64', optional: true }]
}

function contractError(fn: () => void): HeirloomError {
  try {
    fn()
  } catch (err) {
    if (err instanceof HeirloomError) return err
    throw err
  }
  throw new Error('expected a contract error')
}

describe('checkContract', () => {
  it('accepts an fp16 export only where the contract lists float16 as an alternative', async () => {
    const half = encodeModel({
      inputs: [{ name: 'input', type: 'float16', dims: [1, 4, 256, 256] }],
      outputs: [{ name: 'output', type: 'float16', dims: [1, 4, 256, 256] }],
      nodes: [{ op: 'Identity', inputs: ['input'], outputs: ['output'] }]
    })
    const s = await openSession(half)
    const spec = { name: 'input', dims: [1, 4, 256, 256], dtype: 'float32' as const }
    const contract: ModelContract = { ...restorer, inputs: [spec], outputs: [{ ...spec, name: 'output' }] }
    expect(contractError(() => checkContract(s, contract, 'SAM encoder')).message).toMatch(/float16/)
    const lenient: ModelContract = { ...contract, inputs: [{ ...spec, altDtypes: ['float16'] }] }
    expect(() => checkContract(s, lenient, 'SAM encoder')).not.toThrow()
    await s.dispose()
  })

  it('accepts a matching model and binds by name', async () => {
    const s = await openSession(identityRestorer(512))
    expect(() => checkContract(s, restorer, 'GFPGAN 1.4')).not.toThrow()
    const feed = { type: 'float32' as const, data: new Float32Array(1), dims: [1] }
    expect(Object.keys(bindInputs(s, restorer, { input: feed }))).toEqual(['input'])
    await s.dispose()
  })

  it('rejects a wrong crop size naming expected and found shapes', async () => {
    const s = await openSession(wrongShapeRestorer(256))
    const err = contractError(() => checkContract(s, restorer, 'GFPGAN 1.4'))
    expect(err.code).toBe('MODEL_CONTRACT')
    expect(err.message).toContain('GFPGAN 1.4')
    expect(err.message).toContain('[1,3,256,256]')
    expect(err.message).toContain('[1,3,512,512]')
    await s.dispose()
  })

  it('binds positionally when names differ but ranks match', async () => {
    const s = await openSession(renamed('x', [1, 3, 512, 512]))
    checkContract(s, restorer, 'renamed')
    const feed = { type: 'float32' as const, data: new Float32Array(1), dims: [1] }
    expect(Object.keys(bindInputs(s, restorer, { input: feed }))).toEqual(['x'])
    await s.dispose()
  })

  it('rejects a wrong rank and a wrong dtype', async () => {
    const rank = await openSession(renamed('x', [1, 512, 512]))
    expect(contractError(() => checkContract(rank, restorer, 'r')).message).toMatch(
      /r: input "input" \(graph "x"\): expected float32 \[1,3,512,512\], found float32 \[1,512,512\] \(rank 3, expected 4\)/
    )
    await rank.dispose()
  })

  it('optional inputs may be absent; present ones are bound and type-checked', async () => {
    const frozen = await openSession(identityRestorer(512))
    checkContract(frozen, codeformer, 'CodeFormer')
    expect(hasInput(frozen, codeformer, 'weight')).toBe(false)
    const feed = { type: 'float32' as const, data: new Float32Array(1), dims: [1] }
    const w = { type: 'float64' as const, data: new Float64Array(1), dims: [1] }
    expect(Object.keys(bindInputs(frozen, codeformer, { input: feed, weight: w }))).toEqual(['input'])
    await frozen.dispose()

    const full = await openSession(codeformerLike(512))
    checkContract(full, codeformer, 'CodeFormer')
    expect(hasInput(full, codeformer, 'weight')).toBe(true)
    expect(Object.keys(bindInputs(full, codeformer, { input: feed, weight: w }))).toEqual(['input', 'weight'])
    expect(contractError(() => bindInputs(full, codeformer, { input: feed })).code).toBe('MODEL_CONTRACT')
    const f32weight: ModelContract = {
      ...codeformer,
      inputs: [restorer.inputs[0], { name: 'weight', dims: [1], dtype: 'float32' }]
    }
    expect(contractError(() => checkContract(full, f32weight, 'cf')).message).toMatch(
      /cf: input "weight": expected float32 \[1\], found float64 \[1\] \(type is float64, expected float32\)/
    )
    await full.dispose()
  })

  it('a graph needing an input the contract lacks is rejected', async () => {
    const s = await openSession(codeformerLike(512))
    expect(contractError(() => checkContract(s, restorer, 'gfpgan')).code).toBe('MODEL_CONTRACT')
    await s.dispose()
  })

  it('dynamic dims fit fixed contract dims; output is checked and picked', async () => {
    const up: ModelContract = {
      ...restorer,
      inputs: [{ name: 'input', dims: [1, 3, 'h', 'w'], dtype: 'float32' }],
      outputs: [{ name: 'output', dims: [1, 3, 'H', 'W'], dtype: 'float32' }]
    }
    const s = await openSession(upscalerNearest(2))
    checkContract(s, up, 'x2')
    checkContract(s, restorer, 'dynamic graph in a fixed slot')
    const t = { type: 'float32' as const, data: new Float32Array(1), dims: [1] }
    expect(pickOutput(s, up, { output: t })).toBe(t)
    expect(pickOutput(s, { ...up, outputs: [{ name: 'other', dims: [], dtype: 'float32' }] }, { output: t })).toBe(t)
    const badOut: ModelContract = { ...up, outputs: [{ name: 'output', dims: [1, 3], dtype: 'float32' }] }
    expect(contractError(() => checkContract(s, badOut, 'x2')).message).toMatch(
      /x2: output "output": expected float32 \[1,3\], found float32 \[1,3,H,W\] \(rank 4, expected 2\)/
    )
    await s.dispose()
  })
})

/** An identity graph whose single input has a non-standard name (exports often rename `input`). */
function renamed(name: string, dims: number[]): Uint8Array {
  return encodeModel({
    inputs: [{ name, type: 'float32', dims }],
    outputs: [{ name: 'output', type: 'float32', dims }],
    nodes: [{ op: 'Identity', inputs: [name], outputs: ['output'] }]
  })
}
