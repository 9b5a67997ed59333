import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ModelInspection } from '../../src/shared/model-inspection'
import { ModelStore } from '../../src/main/core/models/store'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import { styleganexGraph, styleganexPublishedGraph, writeGraphFile } from '../fixtures/age-graphs'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'
import { encodeModel, f32, i64 } from '../fixtures/onnx-writer'
import { ailiaFaceMeshLike, realEsrganX2Like } from '../fixtures/published-graphs'
import { ipcCall, testAppRuntime } from '../helpers/app-runtime'
import { runCliInProcess } from '../helpers/cli-in-process'
import { describeShared, modelPath } from '../helpers/shared-assets'

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex')

describeShared('heirloom models inspect', () => {
  let root: string
  let models: string
  const f = (name: string): string => join(root, name)
  const inspect = async (...args: string[]) => {
    const r = await runCliInProcess(['models', 'inspect', ...args, '--json', '--models-dir', models])
    return { ...r, report: r.stdout ? (JSON.parse(r.stdout) as ModelInspection) : undefined }
  }

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'heirloom-inspect-'))
    models = f('models')
    writeGraphFile(root, 'styleganex_age.onnx', styleganexPublishedGraph())
    // FaceFusion's contract has a 384 `target_with_background`; this one takes 512.
    writeGraphFile(root, 'sx-bg512.onnx', {
      ...styleganexGraph(),
      inputs: [f32('target', [1, 3, 256, 256]), f32('target_with_background', [1, 3, 512, 512]), f32('direction', [])]
    })
    writeGraph(root, 'real_esrgan_x2.onnx', realEsrganX2Like())
    writeGraph(root, 'facemesh.onnx', ailiaFaceMeshLike())
    writeGraph(root, 'gfpgan256.onnx', identityRestorer(256))
    writeGraph(
      root,
      'nonsquare.onnx',
      encodeModel({
        name: 'styleganex_nonsquare',
        inputs: [
          f32('target', [1, 3, 256, 256]),
          f32('target_with_background', [1, 3, 384, 384]),
          f32('direction', [])
        ],
        outputs: [f32('out', [1, 3, 1536, 1024])],
        initializers: [i64('sizes', [1, 3, 1536, 1024])],
        nodes: [
          { op: 'ReduceMean', inputs: ['target'], outputs: ['target_mean'], attrs: { keepdims: 0 } },
          { op: 'Resize', inputs: ['target_with_background', '', '', 'sizes'], outputs: ['up'] },
          { op: 'Add', inputs: ['up', 'direction'], outputs: ['sum'] },
          { op: 'Add', inputs: ['sum', 'target_mean'], outputs: ['out'] }
        ]
      })
    )
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  // Each real model in ../shared/models: the report must say what onnxruntime itself sees, and the file's bytes.
  const SHARED: [string, string | undefined, string][] = [
    ['yunet_s_640_640.onnx', 'yunet-2023mar', "same SHA-256 as the manifest's pinned file"],
    ['yunet_n_dynamic.onnx', 'yunet-2023mar', 'the manifest model whose contract it fits best'],
    ['ultraface_version-RFB-320.onnx', 'ultraface-rfb-320', 'the manifest model whose contract it fits best'],
    ['mediapipe_facemesh_468.onnx', 'facemesh-468', 'the manifest model whose contract it fits best'],
    ['realesr-animevideov3_x4.onnx', 'real-esrgan-x4plus', 'the manifest model whose contract it fits best'],
    ['blazeface_front_128_nhwc.onnx', undefined, '']
  ]
  for (const [file, id, reason] of SHARED) {
    it(`prints the truth about ${file}`, async () => {
      const path = modelPath(file)
      const r = await inspect(path)
      const rep = r.report!
      expect(rep.sha256).toBe(sha(path))
      expect(rep.bytes).toBe(statSync(path).size)
      expect(rep.format).toBe('onnx')
      expect(rep.opsets?.some((o) => o.domain === '' && o.version >= 9)).toBe(true)
      const s = await openSession(path, { provider: 'cpu' })
      expect(rep.inputs).toEqual(s.inputs.map((i) => ({ name: i.name, dtype: i.type, dims: [...i.dims] })))
      expect(rep.outputs).toEqual(s.outputs.map((o) => ({ name: o.name, dtype: o.type, dims: [...o.dims] })))
      await s.dispose()
      if (id) {
        expect(r.code).toBe(0)
        expect(rep.checkedAgainst).toMatchObject({ id, reason })
        expect(rep.verdict.ok).toBe(true)
        expect(rep.verdict.tensors.every((t) => t.ok)).toBe(true)
      } else {
        // BlazeFace is no model Heirloom uses: no contract fits it, and the exit code says so.
        expect(r.code).toBe(7)
        expect(rep.checkedAgainst).toBeUndefined()
        expect(rep.fits).toEqual([])
        expect(rep.verdict.ok).toBe(false)
      }
    })
  }

  it('the details a family adds: the measured upscale, the FaceMesh export, the pinned hash', async () => {
    const esr = (await inspect(modelPath('realesr-animevideov3_x4.onnx'))).report!
    expect(esr.fits).toEqual(['real-esrgan-x4plus']) // a restorer takes 512 and returns 512, this returns x4
    expect(esr.verdict.notes).toContainEqual({
      field: 'scale',
      ok: true,
      text: 'a 16x16 probe came out x4; expected x4'
    })
    const mesh = (await inspect(modelPath('mediapipe_facemesh_468.onnx'))).report!
    expect(mesh.verdict.notes.find((n) => n.field === 'decoder')?.text).toMatch(/^MediaPipe export/)
    const ailia = (await inspect(f('facemesh.onnx'), '--as', 'facemesh-468')).report!
    expect(ailia.verdict.ok).toBe(true)
    expect(ailia.verdict.notes.find((n) => n.field === 'decoder')?.text).toMatch(/^ailia export: input \[-1,1\]/)
    expect(ailia.verdict.tensors.filter((t) => t.role === 'output').map((t) => [t.name, t.found, t.by])).toEqual([
      ['landmarks', '236 float32 [1,1404]', 'position'],
      ['face_conf', '252 float32 [1,1]', 'position']
    ])
    const yunet = (await inspect(modelPath('yunet_s_640_640.onnx'))).report!
    expect(yunet.verdict.notes).toContainEqual({ field: 'sha256', ok: true, text: 'matches the pinned SHA-256' })
    const npy = await inspect(modelPath('e4e_age_direction.npy'))
    expect(npy.code).toBe(0)
    expect(npy.report).toMatchObject({
      format: 'npy',
      outputs: [{ name: 'array', dtype: 'float32', dims: [1, 512] }],
      checkedAgainst: { id: 'e4e-age-direction' },
      verdict: { ok: true }
    })
  })

  it('a StyleGANEX export with the published 1536 output and a numeric output name fits', async () => {
    const r = await inspect(f('styleganex_age.onnx'))
    expect(r.code).toBe(0)
    expect(r.report!.checkedAgainst?.id).toBe('styleganex-age')
    const out = r.report!.verdict.tensors.find((t) => t.role === 'output')!
    expect(out).toMatchObject({ name: 'output', found: '1283 float32 [1,3,1536,1536]', by: 'position', ok: true })
  })

  it('stand-ins that do not fit: the verdict names the tensor, what was expected and what was found', async () => {
    const bg = await inspect(f('sx-bg512.onnx'), '--as', 'styleganex-age')
    expect(bg.code).toBe(7)
    expect(bg.report!.verdict.ok).toBe(false)
    expect(bg.report!.verdict.tensors.find((t) => !t.ok)).toMatchObject({
      name: 'target_with_background',
      expected: 'float32 [1,3,384,384]',
      found: 'target_with_background float32 [1,3,512,512]',
      why: 'dimension 2 is 512, expected 384'
    })
    expect(bg.stderr).toMatch(/^heirloom: error: StyleGANEX age: input "target_with_background"/)

    const sq = await inspect(f('nonsquare.onnx'), '--as', 'styleganex-age')
    expect(sq.code).toBe(7)
    expect(sq.report!.verdict.tensors.find((t) => t.role === 'output')).toMatchObject({
      ok: false,
      why: 'dimension 3 is 1024, expected S = 1536'
    })

    const x2 = await inspect(f('real_esrgan_x2.onnx'), '--as', 'real-esrgan-x4plus')
    expect(x2.code).toBe(7)
    expect(x2.report!.verdict.notes).toContainEqual({
      field: 'scale',
      ok: false,
      text: 'a 16x16 probe came out x2; expected x4'
    })
    expect((await inspect(f('real_esrgan_x2.onnx'), '--as', 'real-esrgan-x2plus')).code).toBe(0)

    const small = await inspect(f('gfpgan256.onnx'), '--as', 'gfpgan-1.4')
    expect(small.code).toBe(7)
    expect(small.report!.verdict.problem).toMatch(
      /^GFPGAN 1\.4: input "input": expected float32 \[1,3,512,512\], found float32 \[1,3,256,256\] \(dimension 2 is 256, expected 512\)/
    )
  })

  it('human-readable output, ids, and bad arguments', async () => {
    const human = await runCliInProcess([
      'models',
      'inspect',
      modelPath('yunet_s_640_640.onnx'),
      '--models-dir',
      models
    ])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/^file {5}.*yunet_s_640_640\.onnx$/m)
    expect(human.stdout).toMatch(/^format {3}ONNX, IR 6, opset ai\.onnx 11, from pytorch/m)
    expect(human.stdout).toMatch(/^contract yunet-2023mar \(YuNet face detector \(2023mar\); detector, yunet\)/m)
    expect(human.stdout).toMatch(/^verdict {2}FITS$/m)
    expect(human.stdout).toMatch(/^ {2}ok {4}sha256 {2}matches the pinned SHA-256$/m)
    expect(human.stdout).toMatch(/^ {2}ok +input input +expected float32 \[1,3,640,640\] +found input float32/m)

    const missing = await inspect('gfpgan-1.4')
    expect(missing.code).toBe(7)
    expect(missing.stderr).toMatch(
      /not installed; to check a file against it: heirloom models inspect <file> --as gfpgan-1\.4/
    )
    const none = await inspect(f('no-such.onnx'))
    expect(none.code).toBe(3)
    expect((await inspect(f('styleganex_age.onnx'), '--as', 'no-such-model')).code).toBe(2)

    const store = new ModelStore({ dir: models })
    await store.importFile('real-esrgan-x2plus', f('real_esrgan_x2.onnx'))
    const byId = await inspect('real-esrgan-x2plus')
    expect(byId.code).toBe(0)
    expect(byId.report!.checkedAgainst).toMatchObject({ id: 'real-esrgan-x2plus', reason: 'the model id given' })
    // An installed model against another model's contract.
    const asX4 = await inspect('real-esrgan-x2plus', '--as', 'real-esrgan-x4plus')
    expect(asX4.code).toBe(7)
    expect(asX4.report!.checkedAgainst).toMatchObject({
      id: 'real-esrgan-x4plus',
      reason: 'asked for (--as real-esrgan-x4plus)'
    })
    // A custom import is inspected by its id too, against the contract it was imported with.
    const custom = await store.importFile('restorer', writeGraph(root, 'my-restorer.onnx', identityRestorer(512)))
    const c = await inspect(custom.id)
    expect(c.code).toBe(0)
    expect(c.report!.checkedAgainst).toMatchObject({ id: custom.id, reason: 'the model id given' })
  })

  it("the app's Models panel gets the same report over IPC (inspectModel, run in the worker)", async () => {
    await new ModelStore({ dir: models }).importFile('real-esrgan-x2plus', f('real_esrgan_x2.onnx'))
    const runtime = testAppRuntime({ dir: f('app'), modelsDir: models })
    try {
      const r = await ipcCall(runtime, 'inspectModel', { id: 'real-esrgan-x2plus' })
      expect(r.sha256).toBe(sha(f('real_esrgan_x2.onnx')))
      expect(r.outputs).toEqual([{ name: '1895', dtype: 'float32', dims: [1, 3, 'height_x2', 'width_x2'] }])
      expect(r.verdict.ok).toBe(true)
    } finally {
      await runtime.dispose()
    }
  })
})
