import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, normalize, sep } from 'node:path'
import { HeirloomError } from '../errors'
import { copyAtomic } from './copy-atomic'

// TensorProto.external_data entries are StringStringEntryProto { key = "location", value = <file> }:
// field 1 (key) 0x0a 0x08 "location", then field 2 (value) 0x12 <varint length> <bytes>.
const KEY = Uint8Array.from([0x0a, 0x08, ...Buffer.from('location', 'ascii'), 0x12])

/**
 * Names of the external-data files an ONNX graph references (relative to the model's folder).
 * Hand-written scan: no protobuf dependency is needed to read this one repeated field.
 */
export function externalDataLocations(model: Uint8Array): string[] {
  const found = new Set<string>()
  const buf = Buffer.from(model.buffer, model.byteOffset, model.byteLength)
  let at = buf.indexOf(KEY)
  while (at >= 0) {
    let pos = at + KEY.length
    let len = 0
    let shift = 0
    while (pos < buf.length && shift < 28) {
      const b = buf[pos++]
      len |= (b & 0x7f) << shift
      shift += 7
      if ((b & 0x80) === 0) break
    }
    if (len > 0 && len <= 4096 && pos + len <= buf.length) found.add(buf.toString('utf8', pos, pos + len))
    at = buf.indexOf(KEY, pos)
  }
  return [...found].map(checkLocation)
}

/** A location must stay inside the model's folder (no absolute paths, no `..`). */
function checkLocation(location: string): string {
  const n = normalize(location)
  if (isAbsolute(location) || n.startsWith('..') || n.split(sep).includes('..') || location.includes('\0')) {
    throw new HeirloomError('MODEL_INVALID', `The model references external data outside its folder: "${location}".`)
  }
  return n
}

/** Reads a model file's external-data references and refuses any that leave its folder (before ORT opens it). */
export async function checkExternalData(model: string): Promise<string[]> {
  if (!model.toLowerCase().endsWith('.onnx')) return []
  return externalDataLocations(await readFile(model))
}

/** Copies the sidecar files `model` references from its folder into `destDir`, keeping their relative names. */
export async function copyExternalData(model: string, destDir: string): Promise<string[]> {
  const locations = await checkExternalData(model)
  for (const loc of locations) {
    const src = join(dirname(model), loc)
    if (!existsSync(src)) {
      throw new HeirloomError('MODEL_MISSING', `The model's external data file "${loc}" is missing beside ${model}.`)
    }
    const dest = join(destDir, loc)
    await mkdir(dirname(dest), { recursive: true })
    await copyAtomic(src, dest)
  }
  return locations
}
