import { closeSync, openSync, readSync } from 'node:fs'
import { basename } from 'node:path'
import { HeirloomError } from '../errors'

export interface OnnxHeader {
  irVersion?: number
  producer?: string
  opsets: { domain: string; version: number }[]
}

/**
 * Reads ModelProto's top-level fields (ir_version = 1, producer_name = 2, producer_version = 3, opset_import = 8)
 * and seeks past the graph (field 7), so a 300 MB generator costs a few reads. Hand-written: onnxruntime does not
 * expose the opset, and protobuf libraries would decode the whole graph with its weights into memory.
 */
export function readOnnxHeader(path: string): OnnxHeader {
  const fd = openSync(path, 'r')
  try {
    let pos = 0
    const chunk = Buffer.alloc(16)
    const byteAt = (p: number): number => {
      if (readSync(fd, chunk, 0, 1, p) !== 1)
        throw new HeirloomError('MODEL_INVALID', `${basename(path)} is not an ONNX model file (truncated).`)
      return chunk[0]
    }
    const varint = (): number => {
      let v = 0
      let mul = 1
      for (let i = 0; i < 10; i++) {
        const b = byteAt(pos++)
        v += (b & 0x7f) * mul
        if (b < 0x80) return v
        mul *= 128
      }
      throw new HeirloomError('MODEL_INVALID', `${basename(path)} is not an ONNX model file (malformed).`)
    }
    const bytes = (n: number): Buffer => {
      const b = Buffer.alloc(n)
      if (readSync(fd, b, 0, n, pos) !== n)
        throw new HeirloomError('MODEL_INVALID', `${basename(path)} is not an ONNX model file (truncated).`)
      pos += n
      return b
    }
    const out: OnnxHeader = { opsets: [] }
    let producer = ''
    let version = ''
    for (let guard = 0; guard < 100_000; guard++) {
      if (readSync(fd, chunk, 0, 1, pos) !== 1) break // end of file
      const key = varint()
      const field = Math.floor(key / 8)
      const wire = key & 7
      if (wire === 0) {
        const v = varint()
        if (field === 1) out.irVersion = v
      } else if (wire === 2) {
        const len = varint()
        if (field === 2 || field === 3) {
          const s = bytes(len).toString('utf8')
          if (field === 2) producer = s
          else version = s
        } else if (field === 8 && len < 4096) {
          out.opsets.push(parseOpset(bytes(len)))
        } else {
          pos += len // the graph, doc strings, metadata
        }
      } else if (wire === 1) pos += 8
      else if (wire === 5) pos += 4
      else throw new HeirloomError('MODEL_INVALID', `${basename(path)} is not an ONNX model file (nor a .npy array).`)
    }
    if (producer) out.producer = version ? `${producer} ${version}` : producer
    return out
  } finally {
    closeSync(fd)
  }
}

/** OperatorSetIdProto: domain = 1 (string), version = 2 (int64). */
function parseOpset(b: Buffer): { domain: string; version: number } {
  let p = 0
  let domain = ''
  let version = 0
  const varint = (): number => {
    let v = 0
    let mul = 1
    while (p < b.length) {
      const x = b[p++]
      v += (x & 0x7f) * mul
      if (x < 0x80) break
      mul *= 128
    }
    return v
  }
  while (p < b.length) {
    const key = varint()
    if (key === (1 << 3) + 2) {
      const n = varint()
      domain = b.subarray(p, p + n).toString('utf8')
      p += n
    } else if (key === (2 << 3) + 0) version = varint()
    else break
  }
  return { domain, version }
}
