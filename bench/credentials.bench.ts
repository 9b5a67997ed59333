/**
 * Content Credentials per export: signing time (manifest + hashing + COSE signature + read-back check) and bytes
 * added, for JPEG/PNG/WebP/TIFF exports of the 2.5 MP scan, against the plain encode time of the same photo.
 * Also the one-off costs: wasm load (per thread) and identity creation (per installation).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { loadC2pa } from '../src/main/core/credentials/c2pa-runtime'
import { configureCredentials, embedCredentials } from '../src/main/core/credentials/embed'
import { loadOrCreateIdentity } from '../src/main/core/credentials/identity'
import { decodePhoto } from '../src/main/core/image/decode'
import { encodePhoto, type OutputFormat } from '../src/main/core/image/encode'
import type { Provenance } from '../src/main/core/image/provenance'

const SHARED = resolve(process.env.HEIRLOOM_SHARED_DIR ?? join(__dirname, '..', '..', 'shared'))
const SOURCE = join(SHARED, 'photos', 'gfpgan_large_scan_1297x1920.jpg')
const RUNS = 7

const RECIPE: Provenance = {
  software: 'Heirloom bench',
  operations: [
    { op: 'restore', model: 'gfpgan-1.4', params: { faces: [0, 1], strength: 0.8 } },
    { op: 'age', model: 'styleganex-age', params: { faces: [0], strength: 0.6 } },
    { op: 'upscale', model: 'realesrgan-x2', params: { scale: 2 } }
  ]
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'heirloom-bench-c2pa-'))
  try {
    let t = performance.now()
    await loadC2pa()
    console.log(`c2pa-wasm load + compile (once per thread): ${(performance.now() - t).toFixed(0)} ms`)
    t = performance.now()
    await loadOrCreateIdentity(join(dir, 'credentials'))
    console.log(`identity creation (once per installation): ${(performance.now() - t).toFixed(0)} ms`)
    configureCredentials({ enabled: true, dir: join(dir, 'credentials') })

    const photo = await decodePhoto(SOURCE)
    const mp = (photo.image.width * photo.image.height) / 1e6
    console.log(`photo: ${photo.image.width}x${photo.image.height} (${mp.toFixed(1)} MP), original as ingredient`)
    for (const format of ['jpeg', 'png', 'webp', 'tiff'] as OutputFormat[]) {
      const encodeMs: number[] = []
      const signMs: number[] = []
      const cpuMs: number[] = []
      let added = 0
      let size = 0
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now()
        const encoded = await encodePhoto(photo.image, { format, metadata: photo.metadata, provenance: RECIPE })
        const t1 = performance.now()
        const cpu0 = process.cpuUsage()
        const r = await embedCredentials(encoded, {
          format,
          output: join(dir, `out.${format}`),
          provenance: RECIPE,
          originalPath: SOURCE
        })
        const cpu = process.cpuUsage(cpu0)
        signMs.push(performance.now() - t1)
        cpuMs.push((cpu.user + cpu.system) / 1000)
        encodeMs.push(t1 - t0)
        if (!r.outcome.signed) throw new Error(`${format}: not signed (${r.outcome.note})`)
        added = r.outcome.bytesAdded ?? 0
        size = encoded.length
      }
      const sign = median(signMs)
      const enc = median(encodeMs)
      console.log(
        `${format.padEnd(5)} sign ${sign.toFixed(1)} ms (CPU ${median(cpuMs).toFixed(1)} ms) | encode ${enc.toFixed(1)} ms | ` +
          `sign/encode ${(sign / enc).toFixed(2)} | +${added} bytes (${((100 * added) / size).toFixed(2)} % of ${(size / 1024).toFixed(0)} KiB)`
      )
    }
  } finally {
    configureCredentials(undefined)
    rmSync(dir, { recursive: true, force: true })
  }
}
