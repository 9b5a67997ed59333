import { readFileSync } from 'node:fs'
import { HeirloomError } from '../errors'

export interface NpyArray {
  dims: number[]
  data: Float32Array
}

/**
 * Reads a NumPy .npy array (little-endian float32/float64, C order) as float32. Hand-written because the format
 * is a tiny header + raw data and no dependency reads it.
 */
export function loadNpy(path: string): NpyArray {
  let buf: Buffer
  try {
    buf = readFileSync(path)
  } catch {
    throw new HeirloomError('MODEL_MISSING', `Array file not found: ${path}`)
  }
  return parseNpy(buf, path)
}

export function parseNpy(buf: Uint8Array, label = 'array'): NpyArray {
  const bad = (why: string): HeirloomError =>
    new HeirloomError('MODEL_INVALID', `${label} is not a usable .npy file: ${why}`)
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]
  if (buf.length < 10 || magic.some((b, i) => buf[i] !== b)) throw bad('missing NUMPY magic')
  const major = buf[6]
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const headerStart = major === 1 ? 10 : 12
  const dataStart = headerStart + headerLen
  if (dataStart > buf.length) throw bad('truncated header')
  const header = new TextDecoder('latin1').decode(buf.subarray(headerStart, dataStart))

  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1]
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1]
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1]
  if (!descr || !fortran || shapeText === undefined) throw bad('unreadable header')
  if (fortran === 'True') throw bad('Fortran order is not supported')
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number)
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw bad(`bad shape (${shapeText})`)
  const count = dims.reduce((a, b) => a * b, 1)

  const width = descr === '<f4' ? 4 : descr === '<f8' ? 8 : 0
  if (width === 0) throw bad(`dtype ${descr} (need little-endian float32 or float64)`)
  if (buf.length - dataStart < count * width) throw bad('truncated data')
  const data = new Float32Array(count)
  for (let i = 0; i < count; i++) {
    data[i] = width === 4 ? view.getFloat32(dataStart + i * 4, true) : view.getFloat64(dataStart + i * 8, true)
  }
  return { dims, data }
}
