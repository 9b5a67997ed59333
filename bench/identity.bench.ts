/**
 * Helper models' share of a restore: per face, SFace identity (original + result + the Keep-identity search),
 * the FairFace age estimate and the BiSeNet face-region mask, each beside one GFPGAN 1.4 restore of the same face.
 * The real weights cannot be downloaded here, so every model is a cost-equivalent graph (random weights, the
 * publisher's backbone at the level that sets the cost; params / GMACs printed beside the published file size) and
 * runs through the app's own code: estimateAge, faceRegionMask, IdentityMeter, EditSession + restoreOperation.
 */
import { mkdirSync, existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Face, Landmarks5 } from '../src/shared/faces'
import type { LoadedModel } from '../src/main/core/engine'
import { boxOfPoints } from '../src/main/core/geometry/boxes'
import { decodePhoto } from '../src/main/core/image/decode'
import { loadManifest, findEntry } from '../src/main/core/models/manifest'
import { EditSession } from '../src/main/core/pipeline/edit-session'
import { restoreOperation } from '../src/main/core/operations/restore/face-operation'
import { openSession } from '../src/main/core/runtime/ort-adapter'
import { estimateAge } from '../src/main/core/stages/age-estimate/fairface'
import { IdentityMeter } from '../src/main/core/stages/identity/measure'
import { faceRegionMask } from '../src/main/core/stages/parsing/bisenet'
import { restorerEntry } from '../tests/integration/restore-models'
import { CACHE_DIR, heavyModel } from './heavy/graphs'
import { type Fm, Net } from './heavy/net'

const SHARED = resolve(process.env.HEIRLOOM_SHARED_DIR ?? join(__dirname, '..', '..', 'shared'))

function basic(n: Net, x: Fm, cout: number, stride: number): Fm {
  const a = n.relu(n.conv(x, cout, { stride, bias: false }))
  const b = n.conv(a, cout, { bias: false })
  const skip = stride !== 1 || x.c !== cout ? n.conv(x, cout, { k: 1, stride, bias: false }) : x
  return n.relu(n.add(b, skip))
}

/** ResNet with basic blocks (torchvision resnet18/34): returns the stage outputs (/4, /8, /16, /32). */
function resnet(n: Net, x: Fm, blocks: number[], widths: number[], stem = true): Fm[] {
  if (stem) {
    x = n.relu(n.conv(x, widths[0], { k: 7, stride: 2, bias: false }))
    x = { ...x, name: n.op('MaxPool', [x.name], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }) }
    x = { ...x, h: Math.ceil(x.h / 2), w: Math.ceil(x.w / 2) }
  }
  const outs: Fm[] = []
  blocks.forEach((count, s) => {
    for (let i = 0; i < count; i++) x = basic(n, x, widths[s], i === 0 && s > 0 ? 2 : 1)
    outs.push(x)
  })
  return outs
}

const vec = (n: Net, x: Fm): string => n.op('Reshape', [n.op('GlobalAveragePool', [x.name]), n.constI([1, x.c])])

interface Graph {
  file: string
  publishedMB: number
  sizing: string
  build: (dry: boolean) => { net: Net; outputs: ReturnType<Net['output']>[] }
}

/** FairFace: torchvision ResNet-34 at 224 with an 18-way head (dchen236/FairFace), ids by ArgMax as exported. */
const fairface: Graph = {
  file: 'fairface.costeq.onnx',
  publishedMB: 85,
  sizing: 'ResNet-34 at 224, fc 512->18 (7 race + 2 gender + 9 age), ArgMax ids',
  build(dry) {
    const n = new Net('fairface_costeq', 21, dry)
    const feats = resnet(n, n.input('input', 3, 224, 224), [3, 4, 6, 3], [64, 128, 256, 512])
    const logits = n.linear(vec(n, feats[3]), 512, 18)
    const part = (a: number, b: number, name: string): ReturnType<Net['output']> => {
      const s = n.op('Slice', [logits, n.constI([a]), n.constI([b]), n.constI([1])])
      n.nodes.push({ op: 'ArgMax', inputs: [s], outputs: [name], attrs: { axis: 1, keepdims: 0 } })
      return { name, type: 'int64', dims: [1] }
    }
    return { net: n, outputs: [part(0, 7, 'race_id'), part(7, 9, 'gender_id'), part(9, 18, 'age_id')] }
  }
}

/** BiSeNet (yakhyo/face-parsing; FaceFusion bisenet_resnet_34 / _18): ResNet at 512, context + spatial path, 19 classes. */
function bisenetGraph(depth: 18 | 34): Graph {
  return {
    file: `bisenet${depth}.costeq.onnx`,
    publishedMB: depth === 34 ? 93 : 53,
    sizing: `ResNet-${depth} backbone at 512, ARM 128 ch at /16 and /32, FFM 256 ch at /8, 19-class head upsampled x8`,
    build(dry) {
      const n = new Net(`bisenet${depth}_costeq`, 22, dry)
      const blocks = depth === 34 ? [3, 4, 6, 3] : [2, 2, 2, 2]
      const [, f8, f16, f32] = resnet(n, n.input('input', 3, 512, 512), blocks, [64, 128, 256, 512])
      const arm32 = n.resize(n.relu(n.conv(f32, 128, { bias: false })), 2)
      const arm16 = n.resize(n.add(n.relu(n.conv(f16, 128, { bias: false })), arm32), 2)
      const ffm = n.relu(n.conv(n.concat([f8, n.relu(n.conv(arm16, 128, { bias: false }))]), 256, { k: 1 }))
      const head = n.conv(n.relu(n.conv(ffm, 256, { bias: false })), 19, { k: 1 })
      return { net: n, outputs: [n.output(n.resize(head, 8), 'output', [1, 19, 512, 512])] }
    }
  }
}

/** SFace 2021dec: a MobileFaceNet-class embedding net at 112 (IR blocks, 128-d feature); sized to the 38.7 MB file. */
const sface: Graph = {
  file: 'sface.costeq.onnx',
  publishedMB: 38.7,
  sizing: 'IR-ResNet at 112 (stages 64/128/256/512 at 56..7), BN-free, flatten 512x7x7 -> fc 128 (ArcFace-style head)',
  build(dry) {
    const n = new Net('sface_costeq', 23, dry)
    let x = n.relu(n.conv(n.input('data', 3, 112, 112), 64, { bias: false }))
    const feats = resnet(n, x, [1, 1, 1, 1], [64, 128, 256, 512], false)
    x = n.conv(feats[3], 512, { stride: 2, bias: false })
    const flat = n.op('Reshape', [x.name, n.constI([1, 512 * x.h * x.w])])
    return { net: n, outputs: [n.output({ name: n.linear(flat, 512 * x.h * x.w, 128) }, 'fc1', [1, 128])] }
  }
}

function cached(g: Graph): { path: string; params: number; gmacs: number; mb: number } {
  mkdirSync(CACHE_DIR, { recursive: true })
  const dry = g.build(true).net
  const path = join(CACHE_DIR, g.file.replace(/\.onnx$/, `.${dry.params}-${Math.round(dry.macs / 1e6)}.onnx`))
  if (!existsSync(path)) {
    const real = g.build(false)
    real.net.write(path, real.outputs)
  }
  return { path, params: dry.params, gmacs: dry.macs / 1e9, mb: statSync(path).size / 1e6 }
}

async function load(path: string, id: string): Promise<LoadedModel> {
  const entry = findEntry(loadManifest(), id)!
  return { entry, path, session: await openSession(path, { provider: 'cpu' }) }
}

/** Wall and CPU ms per call (CPU = all threads of this process: steady on a shared, busy machine). */
async function timeIt(runs: number, f: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  await f() // warm
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < runs; i++) await f()
  const c = process.cpuUsage(c0)
  return { wall: (performance.now() - t0) / runs, cpu: (c.user + c.system) / 1000 / runs }
}

export async function bench(): Promise<void> {
  const photo = await decodePhoto(join(SHARED, 'photos', 'gfpgan_large_scan_1297x1920.jpg'))
  const landmarks: Landmarks5 = [
    [559, 854],
    [625, 851],
    [605, 894],
    [564, 916],
    [620, 913]
  ]
  const face: Face = { box: boxOfPoints(landmarks), score: 1, landmarks }
  console.log('building cost-equivalent graphs (cached in bench/.cache/heavy)…')
  const g = heavyModel('gfpgan-1.4')
  const figs = {
    sface: cached(sface),
    fairface: cached(fairface),
    bisenet34: cached(bisenetGraph(34)),
    bisenet18: cached(bisenetGraph(18))
  }
  for (const [k, f] of Object.entries(figs))
    console.log(`  ${k}: ${(f.params / 1e6).toFixed(1)} M params, ${f.mb.toFixed(1)} MB, ${f.gmacs.toFixed(2)} GMACs`)
  console.log(
    `  gfpgan-1.4: ${(g.params / 1e6).toFixed(1)} M params, ${(g.bytes / 1e6).toFixed(0)} MB, ${g.gmacs.toFixed(1)} GMACs`
  )

  const restorer: LoadedModel = {
    entry: restorerEntry('gfpgan-costeq'),
    path: g.path,
    session: await openSession(g.path, { provider: 'cpu' })
  }
  const id = await load(figs.sface.path, 'sface-2021dec')
  const age = await load(figs.fairface.path, 'fairface')
  const parser = await load(figs.bisenet34.path, 'bisenet-resnet-34')
  const parser18 = await load(figs.bisenet18.path, 'bisenet-resnet-18')

  const session = new EditSession(photo, [face])
  const op = restoreOperation(restorer)
  const restoreMs = await timeIt(2, () => session.applyOperation(op, { strength: 0.8 }))
  const layer = session.layers[0]
  const meter = new IdentityMeter(id, session)
  const identityMs = await timeIt(5, () => new IdentityMeter(id, session).measure(0))
  const reblendMs = await timeIt(5, () => meter.measure(0, { strengths: new Map([[layer.id, 0.5]]) }))
  // A minimum reached only near 30 % strength: the full search (start, floor, 7 bisection steps, final check).
  const target = (await meter.measure(0, { strengths: new Map([[layer.id, 0.3]]) })).similarity
  const keepMs = await timeIt(2, () => meter.keep(layer, target))
  const ageMs = await timeIt(3, () => estimateAge(age, photo.image, face))
  const parseMs = await timeIt(2, () =>
    faceRegionMask(parser, photo.image, layer.affine, layer.crop.width, layer.crop.height)
  )
  const parse18Ms = await timeIt(2, () =>
    faceRegionMask(parser18, photo.image, layer.affine, layer.crop.width, layer.crop.height)
  )
  const row = (name: string, t: { wall: number; cpu: number }): string =>
    `  ${name.padEnd(46)} ${t.wall.toFixed(0).padStart(7)} ms wall ${t.cpu.toFixed(0).padStart(7)} ms cpu  ${((t.cpu / restoreMs.cpu) * 100).toFixed(1).padStart(5)} % of a restore's cpu`
  const sum = (...ts: { wall: number; cpu: number }[]): { wall: number; cpu: number } => ({
    wall: ts.reduce((a, t) => a + t.wall, 0),
    cpu: ts.reduce((a, t) => a + t.cpu, 0)
  })
  console.log('per face, cpu provider')
  console.log(row('restore (GFPGAN 1.4 cost-equivalent)', restoreMs))
  console.log(row('identity (original + result, first time)', identityMs))
  console.log(row('identity after a re-blend (original cached)', reblendMs))
  console.log(row('Keep identity, full search (9-10 re-blends)', keepMs))
  console.log(row('age estimate (FairFace)', ageMs))
  console.log(row('face-region mask (BiSeNet ResNet-34 + blur)', parseMs))
  console.log(row('face-region mask (BiSeNet ResNet-18 + blur)', parse18Ms))
  console.log(row('identity + age + regions (ResNet-34)', sum(identityMs, ageMs, parseMs)))
  for (const m of [restorer, id, age, parser, parser18]) await m.session.dispose()
}
