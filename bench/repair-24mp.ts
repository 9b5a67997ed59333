// Child process of repair.bench.ts (so its peak RSS is this job's alone): auto mask + classic repair of a 24 MP scan.
import sharp from 'sharp'
import { detectDamage, inpaintClassic } from '../src/main/core/stages/repair'
import { addDamage } from '../tests/helpers/synthetic-damage'

async function main(): Promise<void> {
  const [source, width, height] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])]
  const { data } = await sharp(source)
    .resize(width, height, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  const clean = { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }
  const damaged = addDamage(clean, { seed: 7, scratches: 12, specks: 60, tornCorner: true })
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const det = await detectDamage(damaged.image, [], { sensitivity: 0.5 })
  const t1 = performance.now()
  const out = await inpaintClassic(damaged.image, det.mask)
  const t2 = performance.now()
  const cpu = process.cpuUsage(c0)
  let changed = 0
  for (let i = 0; i < out.data.length; i++) if (out.data[i] !== damaged.image.data[i]) changed++
  console.log(
    JSON.stringify({
      detectMs: t1 - t0,
      repairMs: t2 - t1,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maskPercent: det.areaPercent,
      regions: det.regions.length,
      changedSamples: changed,
      peakRssMB: process.resourceUsage().maxRSS / 1024
    })
  )
}
void main()
