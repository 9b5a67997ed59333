import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ModelContract } from '../../src/shared/model-manifest'
import { bindSession } from '../../src/main/core/runtime/bound-session'
import { checkContract, fitContract, type GraphIo } from '../../src/main/core/runtime/contract'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import type { IoInfo } from '../../src/main/core/runtime/types'
import { readOnnxHeader } from '../../src/main/core/models/onnx-header'
import { realEsrganX2Like } from '../fixtures/published-graphs'
import { encodeModel, f32 } from '../fixtures/onnx-writer'

const t = (name: string, dims: (number | string)[], type: IoInfo['type'] = 'float32'): IoInfo => ({ name, type, dims })
const spec = (name: string, dims: (number | string)[]) => ({ name, dims, dtype: 'float32' as const })
const contract = (
  inputs: ReturnType<typeof spec>[],
  outputs: ReturnType<typeof spec>[],
  extra = {}
): ModelContract => ({
  inputs,
  outputs,
  layout: 'NCHW',
  channels: 'RGB',
  mean: [0, 0, 0],
  std: [1, 1, 1],
  ...extra
})

describe('fitContract: by name, else by position; what exports legitimately vary on', () => {
  const styleganex = contract(
    [spec('target', [1, 3, 256, 256]), spec('target_with_background', [1, 3, 384, 384]), spec('direction', [])],
    [spec('output', [1, 3, 'S', 'S'])]
  )

  it('a square output of any size fits [1,3,S,S]; a non-square one does not', () => {
    const graph = (h: number, w: number): GraphIo => ({
      inputs: [t('target', [1, 3, 256, 256]), t('target_with_background', [1, 3, 384, 384]), t('direction', [])],
      outputs: [t('1283', [1, 3, h, w])]
    })
    const ok = fitContract(graph(1536, 1536), styleganex, 'StyleGANEX age')
    expect(ok.ok).toBe(true)
    expect(ok.outputs[0]).toMatchObject({ name: 'output', by: 'position', ok: true })
    expect(ok.binding.outputs.get('output')).toBe('1283')
    expect(fitContract(graph(1024, 1024), styleganex, 'x').ok).toBe(true)
    const bad = fitContract(graph(1536, 1024), styleganex, 'StyleGANEX age')
    expect(bad.ok).toBe(false)
    expect(bad.problem).toMatch(
      /^StyleGANEX age: output "output" \(graph "1283"\): expected float32 \[1,3,S,S\], found float32 \[1,3,1536,1024\] \(dimension 3 is 1024, expected S = 1536\)/
    )
  })

  it('a dynamic batch axis and dynamic sizes fit; a fixed batch of 4 does not', () => {
    const c = contract([spec('input', [1, 3, 512, 512])], [spec('output', [1, 3, 512, 512])])
    const dyn = { inputs: [t('x', ['batch', 3, 'h', 'w'])], outputs: [t('y', [-1, 3, -1, -1])] }
    expect(fitContract(dyn, c, 'r').ok).toBe(true)
    const four = { inputs: [t('x', [4, 3, 512, 512])], outputs: [t('y', [4, 3, 512, 512])] }
    expect(() => checkContract(four, c, 'GFPGAN 1.4')).toThrow(
      /^GFPGAN 1\.4: input "input" \(graph "x"\): expected float32 \[1,3,512,512\], found float32 \[4,3,512,512\] \(dimension 0 is 4, expected 1\)/
    )
  })

  it('fixed sizes must show the contract scale (upscalers)', () => {
    const c = contract([spec('input', [1, 3, 'h', 'w'])], [spec('output', [1, 3, 'H', 'W'])], { scale: 4 })
    const x2 = { inputs: [t('input', [1, 3, 64, 64])], outputs: [t('out', [1, 3, 128, 128])] }
    expect(fitContract(x2, c, 'Real-ESRGAN x4plus').problem).toMatch(
      /^Real-ESRGAN x4plus: output "output": height 128 from input height 64 is x2, expected x4/
    )
    expect(fitContract({ ...x2, outputs: [t('out', [1, 3, 256, 256])] }, c, 'x').ok).toBe(true)
  })

  it('outputs: named ones by name, the rest in order; extra outputs are fine, missing ones are not', () => {
    const c = contract([spec('input', [1, 3, 192, 192])], [spec('landmarks', []), spec('face_conf', [])])
    const mp = fitContract(
      { inputs: [t('input', [1, 3, 192, 192])], outputs: [t('face_conf', [1]), t('landmarks', [1, 468, 3])] },
      c,
      'm'
    )
    expect([...mp.binding.outputs]).toEqual([
      ['landmarks', 'landmarks'],
      ['face_conf', 'face_conf']
    ])
    const ailia = fitContract(
      { inputs: [t('input.1', [1, 3, 192, 192])], outputs: [t('236', [1, 1404]), t('252', [1, 1]), t('extra', [1])] },
      c,
      'a'
    )
    expect(ailia.ok).toBe(true)
    expect([...ailia.binding.outputs]).toEqual([
      ['landmarks', '236'],
      ['face_conf', '252']
    ])
    expect(ailia.unusedOutputs.map((o) => o.name)).toEqual(['extra'])
    const one = fitContract({ inputs: [t('input', [1, 3, 192, 192])], outputs: [t('236', [1, 1404])] }, c, 'FaceMesh')
    expect(one.ok).toBe(false)
    expect(one.problem).toMatch(
      /^FaceMesh: output "landmarks": expected float32 \(any shape\), found none \(the graph has 1 output\(s\), the contract needs 2\)/
    )
  })

  it('inputs: a graph needing more inputs than the contract gives is refused, naming the counts', () => {
    const c = contract([spec('input', [1, 3, 512, 512])], [spec('output', [])])
    const r = fitContract({ inputs: [t('a', [1, 3, 512, 512]), t('b', [1])], outputs: [t('o', [])] }, c, 'GPEN')
    expect(r.ok).toBe(false)
    expect(r.problem).toMatch(/the graph has 2 input\(s\), the contract 1 \(1 required\)/)
  })
})

describe('bindSession: stages use the contract names whatever the export calls its tensors', () => {
  it('renames feeds, fetches and results of the Real-ESRGAN x2 stand-in (image -> 1895)', async () => {
    const raw = await openSession(realEsrganX2Like(), { provider: 'cpu' })
    const c = contract([spec('input', [1, 3, 'h', 'w'])], [spec('output', [1, 3, 'H', 'W'])])
    const s = bindSession(raw, checkContract(raw, c, 'x2').binding)
    expect([s.inputNames, s.outputNames]).toEqual([['input'], ['output']])
    expect(s.outputs[0].dims).toEqual([1, 3, 'height_x2', 'width_x2'])
    const out = await s.run(
      { input: { type: 'float32', data: new Float32Array(3 * 2 * 2).fill(0.5), dims: [1, 3, 2, 2] } },
      { outputs: ['output'] }
    )
    expect(Object.keys(out)).toEqual(['output'])
    expect(out.output.dims).toEqual([1, 3, 4, 4])
    // Same names: the session itself, no wrapper.
    const same = contract([spec('image', [1, 3, 'h', 'w'])], [spec('1895', [])])
    expect(bindSession(raw, checkContract(raw, same, 'x2').binding)).toBe(raw)
    await s.dispose()
  })
})

describe('readOnnxHeader', () => {
  it('reads IR version, opsets and producer without decoding the graph', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-onnx-header-'))
    try {
      const p = join(dir, 'm.onnx')
      writeFileSync(
        p,
        encodeModel({
          inputs: [f32('x', [1])],
          outputs: [f32('y', [1])],
          nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
          opset: 13
        })
      )
      expect(readOnnxHeader(p)).toEqual({
        irVersion: 8,
        opsets: [{ domain: '', version: 13 }],
        producer: 'heirloom-tests'
      })
      writeFileSync(p, 'not a model at all, just text\n')
      expect(() => readOnnxHeader(p)).toThrow(/not an ONNX model|malformed|truncated/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
