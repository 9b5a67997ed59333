import { readFileSync } from 'node:fs'
import type { ModelStore } from '../models/store'
import type { ModelLookup } from './manifest'

/**
 * Name, licence and sha256 of a model id for the manifest: the pinned manifest checksum (the store refuses files
 * that differ), else the `.sha256` sidecar the store wrote when it verified or imported the file.
 */
export function modelLookupFor(store: ModelStore): ModelLookup {
  return (id) => {
    try {
      const entry = store.entry(id)
      let sha256 = entry.sha256
      if (!sha256) {
        try {
          sha256 = /^([0-9a-f]{64})\b/.exec(readFileSync(`${store.pathFor(id)}.sha256`, 'utf8'))?.[1]
        } catch {
          sha256 = undefined
        }
      }
      return { name: entry.name, license: entry.license, ...(sha256 ? { sha256 } : {}) }
    } catch {
      // Not a model of this store (e.g. an upscaler named by family): the id alone goes into the manifest.
      return undefined
    }
  }
}
