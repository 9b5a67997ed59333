/**
 * Repair benchmark: auto mask + classic repair of a 24 MP scan (6000 x 4000, synthetic damage) in a child process for
 * its own peak RSS; and the LaMa route per 512 window with a stand-in of the zoo contract (tests/fixtures/lama-graphs),
 * which times our windowing, tensor packing and compositing plus a light graph, not LaMa's own network.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { createEngine } from '../src/main/core/engine'
import { inpaintLama, LAMA_CONTRACT } from '../src/main/core/stages/repair'
import { lamaStandIn } from '../tests/fixtures/lama-graphs'
import { addDamage } from '../tests/helpers/synthetic-damage'

const SHARED = resolve(process.env.HEIRLOOM_SHARED_DIR ?? join(__dirname, '..', '..', 'shared'))
const SOURCE = join(SHARED, 'photos', 'gfpgan_large_scan_1297x1920.jpg')

export async function bench(): Promise<void> {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'repair-24mp.ts'), SOURCE, '4000', '6000'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20
    }
  )
  const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>
  console.log(
    `24 MP scan (4000x6000): auto mask ${(r.detectMs / 1000).toFixed(2)} s, classic repair ${(r.repairMs / 1000).toFixed(2)} s, ` +
      `CPU ${(r.cpuMs / 1000).toFixed(2)} s, peak RSS ${r.peakRssMB.toFixed(0)} MB ` +
      `(mask ${r.maskPercent.toFixed(2)} %, ${r.regions} regions; ${(r.peakRssMB / 72).toFixed(1)}x the 72 MB RGB buffer)`
  )

  const dir = mkdtempSync(join(tmpdir(), 'heirloom-bench-lama-'))
  const engine = createEngine({ modelsDir: join(dir, 'models') })
  try {
    const file = join(dir, 'lama-standin.onnx')
    writeFileSync(file, lamaStandIn())
    const model = await engine.openModel({ file, kind: 'inpainter', family: 'lama', contract: LAMA_CONTRACT })
    const { data } = await sharp(SOURCE)
      .resize(1024, 1024, { fit: 'cover' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
    const clean = { width: 1024, height: 1024, data: new Uint8Array(data) }
    const d = addDamage(clean, { seed: 3, scratches: 8, specks: 20 })
    let windows = 0
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    await inpaintLama(
      model.session,
      d.image,
      { width: 1024, height: 1024, data: d.truth },
      { onWindow: (n) => (windows = n) }
    )
    const ms = performance.now() - t0
    const cpu = process.cpuUsage(c0)
    console.log(
      `lama route (stand-in graph), 1024x1024 with 8 scratches: ${windows} windows, ${(ms / windows).toFixed(0)} ms and ` +
        `${((cpu.user + cpu.system) / 1000 / windows).toFixed(0)} ms CPU per 512 window`
    )
  } finally {
    await engine.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
}
