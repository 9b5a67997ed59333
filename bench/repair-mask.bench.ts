/**
 * The renderer's mask editor on a 24 MP scan (6000 x 4000): its working size, painting cost per pointer segment
 * (what a stroke costs between two frames), and the mask's trips to and from PNG bytes (Detect in, Repair out).
 * CPU time, so the figures hold on a busy machine.
 */
import { MaskEditor } from '../src/renderer/src/canvas/mask-paint'
import { decodeMaskPng, encodeMaskPng } from '../src/renderer/src/canvas/mask-png'

const W = 6000
const H = 4000

function cpuMs<T>(fn: () => T): { ms: number; value: T } {
  const c0 = process.cpuUsage()
  const value = fn()
  const c = process.cpuUsage(c0)
  return { ms: (c.user + c.system) / 1000, value }
}

/** A detected-looking mask: thin diagonal scratches and specks, ~3 % of the photo. */
function syntheticMask(): Uint8Array {
  const m = new Uint8Array(W * H)
  for (let s = 0; s < 40; s++) {
    const y0 = (s * 97) % H
    for (let x = 0; x < W; x++) {
      const y = Math.floor(y0 + x * 0.3) % H
      for (let t = 0; t < 3; t++) m[Math.min(H - 1, y + t) * W + x] = 255
    }
  }
  for (let k = 0; k < 20_000; k++) {
    const x = (k * 7919) % (W - 6)
    const y = (k * 104_729) % (H - 6)
    for (let dy = 0; dy < 5; dy++) for (let dx = 0; dx < 5; dx++) m[(y + dy) * W + x + dx] = 255
  }
  return m
}

export function bench(): Promise<void> {
  const m = new MaskEditor(W, H)
  console.log(
    `24 MP photo: working mask ${m.width}x${m.height} (scale ${m.scaleX.toFixed(3)}), ` +
      `${((m.width * m.height * 2) / 2 ** 20).toFixed(0)} MB for mask + stroke buffers`
  )
  for (const size of [20, 200, 800]) {
    // A stroke of 100 pointer segments of 30 photo px each (a brisk drag at 60 Hz).
    const { ms } = cpuMs(() => {
      m.beginStroke({ mode: 'brush', size, hardness: 0.7 }, { x: 500, y: 2000 })
      for (let k = 1; k <= 100; k++) m.extendStroke({ x: 500 + 30 * k, y: 2000 + 10 * Math.sin(k / 5) })
      m.endStroke()
    })
    console.log(`brush ${size} px: ${(ms / 100).toFixed(2)} ms CPU per segment (a frame is 16.7 ms)`)
  }
  const fast = cpuMs(() => {
    m.beginStroke({ mode: 'eraser', size: 100, hardness: 1 }, { x: 100, y: 100 })
    m.extendStroke({ x: 5900, y: 3900 })
    m.endStroke()
  })
  console.log(`one 7200 px segment (the fastest flick), eraser 100 px: ${fast.ms.toFixed(0)} ms CPU`)

  const grey = syntheticMask()
  const load = cpuMs(() => m.load(grey, W, H))
  console.log(`load a detected mask (${m.areaPercent.toFixed(2)} %): ${load.ms.toFixed(0)} ms CPU`)
  const out = cpuMs(() => m.toPhotoMask())
  const png = cpuMs(() => encodeMaskPng({ width: W, height: H, data: out.value }))
  const back = cpuMs(() => decodeMaskPng(png.value))
  console.log(
    `to photo size ${out.ms.toFixed(0)} ms, PNG encode ${png.ms.toFixed(0)} ms (${(png.value.length / 1024).toFixed(0)} KB), ` +
      `decode ${back.ms.toFixed(0)} ms CPU`
  )
  const undo = cpuMs(() => m.undo())
  console.log(
    `undo that load: ${undo.ms.toFixed(0)} ms CPU; heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`
  )
  return Promise.resolve()
}
