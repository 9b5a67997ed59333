// Colour, on a 12 MP photo: fade and cast correction (levels, white balance, saturation), and colourisation's own work
// around the model (gray -> S x S input, chroma upsampled to full size and joined with the photo's L). The model is a
// session that answers at once with a precomputed ab tensor, so the figures are Heirloom's, not the graph's.
// Target: fade <= 1.5 s and colourise <= 4 s per 12 MP on one core (a model run at S = 256 takes about as long).
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import type { ModelSession, TensorData } from '../src/main/core/runtime/types'
import { colorizeImage } from '../src/main/core/stages/color/colorize'
import { correctFade } from '../src/main/core/stages/color/fade'

const SHARED = resolve(process.env.HEIRLOOM_SHARED_DIR ?? join(__dirname, '..', '..', 'shared'))
const PHOTO = join(SHARED, 'photos', 'gfpgan_large_scan_1297x1920.jpg')
const RUNS = 3
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function cannedAb(s: number): ModelSession {
  const data = new Float32Array(2 * s * s)
  for (let i = 0; i < s * s; i++) {
    data[i] = 20 * Math.sin(i / 977)
    data[s * s + i] = 25 * Math.cos(i / 1231)
  }
  const out: TensorData = { type: 'float32', data, dims: [1, 2, s, s] }
  return {
    inputNames: ['input'],
    outputNames: ['ab'],
    inputs: [{ name: 'input', type: 'float32', dims: [1, 3, s, s] }],
    outputs: [{ name: 'ab', type: 'float32', dims: [1, 2, s, s] }],
    provider: 'cpu',
    run: () => Promise.resolve({ ab: out }),
    dispose: () => Promise.resolve()
  }
}

async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  await fn()
  const c = process.cpuUsage(c0)
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }
}

export async function bench(): Promise<void> {
  const { data, info } = await sharp(PHOTO).resize(2853, 4224).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const img = { width: info.width, height: info.height, data: new Uint8Array(data) }
  const mp = (img.width * img.height) / 1e6
  const fade: { ms: number; cpuMs: number }[] = []
  const colour: { ms: number; cpuMs: number }[] = []
  const session = cannedAb(256)
  for (let k = 0; k < RUNS; k++) {
    fade.push(await timed(() => correctFade(img)))
    colour.push(await timed(() => colorizeImage(session, 'ddcolor', img, { renderSize: 256 })))
  }
  const line = (name: string, xs: { ms: number; cpuMs: number }[], target: number): string => {
    const ms = median(xs.map((x) => x.ms))
    const cpu = median(xs.map((x) => x.cpuMs))
    return `[color] ${name} ${img.width}x${img.height} (${mp.toFixed(1)} MP): ${ms.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU, ${(ms / mp).toFixed(0)} ms/MP (target <= ${target} ms, ratio ${(ms / target).toFixed(2)})`
  }
  console.log(line('fade and cast correction', fade, 1500))
  console.log(line('colourise (model excluded, S = 256)', colour, 4000))
}
