/**
 * Loads @contentauth/c2pa-wasm (the Content Authenticity Initiative's own c2pa-rs build, pinned to 0.13.3) once per
 * thread, the way it works in Node: `initSync` with the bytes of c2pa_bg.wasm (`init()` without bytes and file://
 * URLs fail in Node), plus a FileReaderSync shim because the builder reads its blobs with that browser-only API.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type * as C2pa from '@contentauth/c2pa-wasm'

export type C2paModule = typeof C2pa

/**
 * An in-memory stand-in for a browser Blob: the builder only asks a blob for `size`, `slice` and (through
 * FileReaderSync) its bytes. Node's own Blob cannot be read synchronously, hence this.
 */
export class MemoryBlob {
  readonly bytes: Uint8Array
  readonly type: string
  constructor(bytes: Uint8Array, type = '') {
    this.bytes = bytes
    this.type = type
  }
  get size(): number {
    return this.bytes.byteLength
  }
  slice(start = 0, end = this.bytes.byteLength): MemoryBlob {
    return new MemoryBlob(this.bytes.subarray(start, end), this.type)
  }
  /** Typed as a Blob for the wasm API; it reads nothing but size/slice/bytes. */
  asBlob(): Blob {
    return this as unknown as Blob
  }
}

/** The one method the wasm glue calls on `new FileReaderSync()`. */
class MemoryFileReaderSync {
  readAsArrayBuffer(blob: MemoryBlob): ArrayBuffer {
    if (!(blob instanceof MemoryBlob)) throw new TypeError('Only in-memory blobs can be read here.')
    const b = blob.bytes
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
  }
}

function packageRequire(): NodeJS.Require {
  // CJS bundles (electron-vite, tsx) have __filename; elsewhere resolve from the working dir (see ort-adapter.ts).
  return createRequire(typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js'))
}

let loading: Promise<C2paModule> | undefined

/** The initialised wasm module (loaded on first use; about 9 MB of wasm, compiled once per thread). */
export function loadC2pa(): Promise<C2paModule> {
  loading ??= (async () => {
    const g = globalThis as { FileReaderSync?: unknown }
    g.FileReaderSync ??= MemoryFileReaderSync
    // The package is ESM only; a dynamic import loads it from the CommonJS bundles too.
    const mod = await import('@contentauth/c2pa-wasm')
    const wasm = readFileSync(packageRequire().resolve('@contentauth/c2pa-wasm/c2pa.wasm'))
    mod.initSync({ module: wasm })
    return mod
  })()
  loading.catch(() => (loading = undefined))
  return loading
}
