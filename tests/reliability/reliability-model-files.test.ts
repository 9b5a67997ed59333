import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onnx } from 'onnx-proto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import { inspectOnnx } from '../../src/main/core/runtime/onnx-inspect'

/**
 * Issue 12 item 15 (models): path-traversal and oversize-initializer models get their own messages, and the check
 * reads the protobuf as onnxruntime does (field order, nesting), not by a byte scan.
 */

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'heirloom-onnx-'))
  mkdirSync(join(dir, 'm'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const FLOAT = onnx.TensorProto.DataType.FLOAT
const W = Float32Array.of(1, 2, 3, 4)
const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer.slice(0))

/** y = x + w, x and w float [4]; `w` as the test shapes it; optional extra nodes. */
function model(w: onnx.ITensorProto, extraNodes: onnx.INodeProto[] = []): Uint8Array {
  const vi = (name: string): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimValue: 4 }] } } }
  })
  return onnx.ModelProto.encode({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      input: [vi('x')],
      output: [vi('y')],
      initializer: [{ name: 'w', dataType: FLOAT, dims: [4], ...w }],
      node: [...extraNodes, { opType: 'Add', input: ['x', 'w'], output: ['y'] }]
    }
  }).finish()
}

const external = (location: string, offset = 0, length = 16): onnx.ITensorProto => ({
  dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
  externalData: [
    { key: 'location', value: location },
    { key: 'offset', value: String(offset) },
    { key: 'length', value: String(length) }
  ]
})

/** The same entry with `value` written before `key`: valid protobuf, read the same by onnxruntime. */
function valueFirst(bytes: Uint8Array, location: string): Uint8Array {
  const buf = Buffer.from(bytes)
  const keyPart = Buffer.from([0x0a, 0x08, ...Buffer.from('location')])
  const valuePart = Buffer.concat([Buffer.from([0x12, location.length]), Buffer.from(location)])
  const at = buf.indexOf(Buffer.concat([keyPart, valuePart]))
  expect(at).toBeGreaterThan(0)
  Buffer.concat([valuePart, keyPart]).copy(buf, at)
  return buf
}

function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, 'm', name)
  writeFileSync(p, bytes)
  return p
}

describe('model files are checked with the ONNX schema before onnxruntime opens them', () => {
  it('a valid model with external data loads and runs', async () => {
    writeFileSync(join(dir, 'm', 'w.bin'), bytesOf(W))
    const s = await openSession(write('ok.onnx', model(external('w.bin'))), { provider: 'cpu' })
    const out = await s.run({ x: { type: 'float32', data: Float32Array.of(1, 1, 1, 1), dims: [4] } })
    expect(Array.from(out.y.data as Float32Array)).toEqual([2, 3, 4, 5])
    await s.dispose()
  })

  it('path traversal, also with the entry fields in another order (which a byte scan misses): own message', async () => {
    writeFileSync(join(dir, 'outside.bin'), bytesOf(W))
    const plain = model(external('../outside.bin'))
    const reordered = valueFirst(plain, '../outside.bin')
    for (const [name, bytes] of [
      ['up.onnx', plain],
      ['up-reordered.onnx', reordered],
      ['abs.onnx', model(external(join(dir, 'outside.bin')))]
    ] as const) {
      await expect(openSession(write(name, bytes), { provider: 'cpu' }), name).rejects.toMatchObject({
        code: 'MODEL_INVALID',
        message: expect.stringMatching(/path traversal, refused/)
      })
    }
    expect(() => inspectOnnx(reordered)).toThrow(/path traversal/)
  })

  it('traversal hidden in a Constant node attribute (nested tensor) is found too', async () => {
    const constant: onnx.INodeProto = {
      opType: 'Constant',
      output: ['c'],
      attribute: [
        {
          name: 'value',
          type: onnx.AttributeProto.AttributeType.TENSOR,
          t: { name: 'c', dataType: FLOAT, dims: [4], ...external('../../../../etc/passwd') }
        }
      ]
    }
    const p = write('nested.onnx', model({ rawData: bytesOf(W) }, [constant]))
    await expect(openSession(p, { provider: 'cpu' })).rejects.toMatchObject({
      message: expect.stringMatching(/"c" at data outside its folder.*path traversal/)
    })
  })

  it('oversize initializers: external data past the file end, a length that is not the shape, a huge shape', async () => {
    writeFileSync(join(dir, 'm', 'short.bin'), new Uint8Array(8))
    const cases: [string, Uint8Array, RegExp][] = [
      [
        'past-end.onnx',
        model(external('short.bin')),
        /oversize initializer "w": it reads 16 bytes at offset 0 of "short.bin", which holds 8/
      ],
      [
        'wrong-length.onnx',
        model(external('w.bin', 0, 1e9)),
        /oversize .*needs 16 bytes but its external data declares 1000000000/
      ],
      [
        'huge-shape.onnx',
        onnx.ModelProto.encode({
          irVersion: 7,
          opsetImport: [{ version: 13 }],
          graph: {
            name: 'g',
            initializer: [{ name: 'w', dataType: FLOAT, dims: [100000, 100000], rawData: bytesOf(W) }],
            node: [{ opType: 'Identity', input: ['w'], output: ['y'] }],
            output: [{ name: 'y', type: { tensorType: { elemType: FLOAT } } }]
          }
        }).finish(),
        /oversize .*needs 40000000000 bytes but it holds 16/
      ]
    ]
    for (const [name, bytes, re] of cases) {
      await expect(openSession(write(name, bytes), { provider: 'cpu' }), name).rejects.toMatchObject({
        code: 'MODEL_INVALID',
        message: expect.stringMatching(re)
      })
    }
  })

  it('a missing sidecar says which file is missing', async () => {
    await expect(
      openSession(write('missing.onnx', model(external('gone.bin'))), { provider: 'cpu' })
    ).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      message: expect.stringMatching(/external data file "gone.bin" \(tensor "w"\) is missing/)
    })
  })
})
