import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { HeirloomError } from '../errors'
import { copyAtomic } from './copy-atomic'
import { inspectOnnx, inspectOnnxFile } from '../runtime/onnx-inspect'

/** Names of the external-data files an ONNX graph references (parsed with the ONNX schema: onnx-inspect.ts). */
export function externalDataLocations(model: Uint8Array): string[] {
  return [...new Set(inspectOnnx(model).map((r) => r.location))]
}

/** Reads a model file's external-data references and refuses any that leave its folder (before ORT opens it). */
export async function checkExternalData(model: string): Promise<string[]> {
  if (!model.toLowerCase().endsWith('.onnx')) return []
  return inspectOnnxFile(model)
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
