/**
 * Cost-equivalent stand-ins for the real models, generated at bench time into a git-ignored cache (never committed;
 * the real weights cannot be downloaded here). Each follows its publisher's architecture at the level that sets the
 * cost — the channel schedule per resolution, the number of convs, the big linear layers — with random weights, so
 * parameter count, file size, tensor sizes and MACs land near the real export. `sizing` says how, per model; the bench
 * prints the resulting params / MB / GMACs beside the published figure.
 */
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { type Fm, Net } from './net'

export interface HeavyModel {
  id: string
  file: string
  /** Published file size (MB) this stand-in aims at. */
  targetMB: number
  sizing: string
  params: number
  gmacs: number
  bytes: number
}

type Build = (dry: boolean) => { net: Net; outputs: ReturnType<Net['output']>[] }

/** A down ResBlock of GFPGANv1Clean (conv, lrelu, /2, conv, lrelu; skip: /2 + 1x1). */
function resDown(n: Net, x: Fm, cout: number): Fm {
  const a = n.resize(n.leaky(n.conv(x, x.c)), 0.5)
  const b = n.leaky(n.conv(a, cout))
  return n.residual(b, n.conv(n.resize(x, 0.5), cout, { k: 1, bias: false }))
}

function resUp(n: Net, x: Fm, cout: number): Fm {
  const a = n.resize(n.leaky(n.conv(x, x.c)), 2)
  const b = n.leaky(n.conv(a, cout))
  return n.residual(b, n.conv(n.resize(x, 2), cout, { k: 1, bias: false }))
}

/**
 * GFPGAN 1.4 = GFPGANv1Clean(out_size 512, channel_multiplier 2, sft_half True), TencentARC/GFPGAN
 * gfpgan/archs/gfpganv1_clean_arch.py: a U-Net at half width (unet_narrow 0.5), final_linear 4096 -> 16x512 latents,
 * SFT condition convs per level, and a StyleGAN2GeneratorCSFT decoder (interpolate + conv upsampling).
 */
const gfpgan: Build = (dry) => {
  const n = new Net('gfpgan_1_4_costeq', 11, dry)
  const dec: Record<number, number> = { 4: 512, 8: 512, 16: 512, 32: 512, 64: 512, 128: 256, 256: 128, 512: 64 }
  const unet = (r: number): number => dec[r] / 2
  let x = n.leaky(n.conv(n.input('input', 3, 512, 512), unet(512), { k: 1 }))
  for (let r = 512; r > 4; r /= 2) x = resDown(n, x, unet(r / 2))
  x = n.leaky(n.conv(x, unet(4)))
  // style code: flatten the 4x4 map -> final_linear -> 16 latents (1 per style conv + to_rgb).
  const flat = n.op('Reshape', [x.name, n.constI([1, unet(4) * 16])])
  const latent = n.linear(flat, unet(4) * 16, 16 * 512)
  const w = n.op('Reshape', [
    n.op('Slice', [latent, n.constI([0]), n.constI([512]), n.constI([1])]),
    n.constI([1, 512])
  ])
  const conds: { scale: Fm; shift: Fm }[] = []
  for (let r = 4; r < 512; r *= 2) {
    x = resUp(n, x, unet(r * 2))
    const branch = (): Fm => n.conv(n.leaky(n.conv(x, x.c)), x.c)
    conds.push({ scale: branch(), shift: branch() })
  }
  // StyleGAN2 decoder from the 4x4 constant (a learned tensor), SFT applied after the first conv of each level.
  let f: Fm = { name: n.weight([1, 512, 4, 4], 1, 1), c: 512, h: 4, w: 4 }
  f = n.leaky(n.modConv(f, w, 512))
  let rgb = n.modConv(f, w, 3, 'none', 1)
  for (let r = 8, i = 0; r <= 512; r *= 2, i++) {
    f = n.leaky(n.modConv(f, w, dec[r], 'resize'))
    const c = conds[i]
    // out = out * scale + shift on the first unet-width channels (sft_half); here on a 1x1 projection to that width.
    const half = n.conv(f, c.scale.c, { k: 1, bias: false })
    const sft: Fm = { ...half, name: n.op('Add', [n.op('Mul', [half.name, c.scale.name]), c.shift.name]) }
    f = n.leaky(n.modConv(n.conv(sft, dec[r], { k: 1, bias: false }), w, dec[r]))
    rgb = n.add(n.resize(rgb, 2), n.modConv(f, w, 3, 'none', 1))
  }
  const out = n.op('Tanh', [rgb.name])
  return { net: n, outputs: [n.output({ name: out }, 'output', [1, 3, 512, 512])] }
}

/**
 * CodeFormer (sczhou/CodeFormer basicsr/archs/codeformer_arch.py + vqgan_arch.py): VQGAN encoder nf 64, ch_mult
 * [1,2,2,4,4,8], 2 ResBlocks per level, 512 -> 16x16x256 tokens, 9 transformer layers (dim 512, ff 1024), decoder
 * mirrored with CFT fuse convs at 32..256; plus the scalar `weight` input (float64, as the FaceFusion export).
 */
const codeformer: Build = (dry) => {
  const n = new Net('codeformer_costeq', 12, dry)
  const mult = [1, 2, 2, 4, 4, 8]
  const block = (x: Fm, c: number): Fm => {
    const a = n.conv(n.leaky(n.instanceNorm(x)), c)
    const b = n.conv(n.leaky(n.instanceNorm(a)), c)
    return n.residual(b, x.c === c ? x : n.conv(x, c, { k: 1 }))
  }
  let x = n.conv(n.input('input', 3, 512, 512), 64)
  const skips: Fm[] = []
  for (let i = 0; i < mult.length; i++) {
    const c = 64 * mult[i]
    x = block(block(x, c), c)
    skips.push(x)
    if (i < mult.length - 1) x = n.conv(x, c, { stride: 2 })
  }
  // VQGAN middle (ResBlock, attention, ResBlock) and the extra 512-ch blocks at 16x16: most of the parameters.
  for (let i = 0; i < 3; i++) x = block(x, 512)
  x = n.conv(x, 256, { k: 1 })
  n.inputs.push({ name: 'weight', type: 'float64', dims: [1] })
  const w32 = n.op('Cast', ['weight'], { to: 1 })
  let t = n.toTokens(n.conv(x, 512, { k: 1 }))
  for (let i = 0; i < 9; i++) t = n.transformer(t, 1024)
  x = n.conv(n.fromTokens(t, 16, 16), 256, { k: 1 })
  x = n.conv(x, 512)
  for (let i = 0; i < 3; i++) x = block(x, 512)
  for (let i = mult.length - 1; i >= 0; i--) {
    const c = 64 * mult[i]
    x = block(block(x, c), c)
    if (x.h >= 32 && x.h <= 256) {
      // CFT: scale/shift from concat(decoder, encoder) weighted by `weight`.
      const cat = n.concat([x, skips[i]])
      const fuse = block(cat, c)
      const sc = n.conv(n.leaky(n.conv(fuse, c)), c)
      const sh = n.conv(n.leaky(n.conv(fuse, c)), c)
      const mod = n.op('Add', [n.op('Mul', [x.name, sc.name]), sh.name])
      x = n.add(x, { ...x, name: n.op('Mul', [mod, w32]) })
    }
    if (i > 0) x = n.conv(n.resize(x, 2), 64 * mult[i - 1])
  }
  const out = n.op('Tanh', [n.conv(x, 3).name])
  return { net: n, outputs: [n.output({ name: out }, 'output', [1, 3, 512, 512])] }
}

const SG_CH: Record<number, number> = {
  4: 512,
  8: 512,
  16: 512,
  32: 512,
  64: 512,
  128: 256,
  256: 128,
  512: 64,
  1024: 32,
  2048: 16
}

/**
 * StyleGAN2 synthesis as rosinality/stylegan2-pytorch model.py Generator(size, 512, 8, channel_multiplier=2): per
 * level an upsampling modulated conv (transposed, stride 2), a modulated conv and a 1x1 to_rgb. `start` is the
 * first feature map (the 4x4 constant, or StyleGANEX's encoder features); `levels` upsamplings follow.
 */
function synthesis(n: Net, start: Fm, w: string, levels: number, chAt: (i: number) => number): Fm {
  // Random weights without StyleGAN2's demodulation overflow to Inf/NaN over 16+ modulated convs (the app now refuses
  // such outputs): a Clip after each layer keeps activations finite at no MAC cost.
  const bounded = (f: Fm): Fm => ({ ...f, name: n.op('Clip', [f.name, n.constF([-16], []), n.constF([16], [])]) })
  let f = bounded(n.leaky(n.modConv(start, w, start.c)))
  let rgb = bounded(n.modConv(f, w, 3, 'none', 1))
  for (let i = 1; i <= levels; i++) {
    f = bounded(n.leaky(n.modConv(f, w, chAt(i), 'convT')))
    f = bounded(n.leaky(n.modConv(f, w, chAt(i))))
    rgb = bounded(n.add(n.resize(rgb, 2), n.modConv(f, w, 3, 'none', 1)))
  }
  return rgb
}

/** The 8-layer mapping MLP's weights ride in the FFHQ generator export even though w+ input bypasses it. */
const stylegan2: Build = (dry) => {
  const n = new Net('stylegan2_ffhq_1024_costeq', 13, dry)
  n.inputs.push({ name: 'latent', type: 'float32', dims: [1, 18, 512] })
  const w = n.op('Reshape', [n.op('ReduceMean', ['latent'], { axes: [1], keepdims: 0 }), n.constI([1, 512])])
  let m = w
  for (let i = 0; i < 8; i++) m = n.linear(m, 512, 512)
  const start: Fm = { name: n.weight([1, 512, 4, 4], 1, 1), c: 512, h: 4, w: 4 }
  // The mapping output joins through a zero-weight add so ORT cannot prune the MLP.
  const wmix = n.op('Add', [w, n.op('Mul', [m, n.constF([0], [1])])])
  const rgb = synthesis(n, start, wmix, 8, (i) => SG_CH[4 << i])
  const out = n.op('Tanh', [rgb.name])
  return { net: n, outputs: [n.output({ name: out }, 'output', [1, 3, 1024, 1024])] }
}

/** IR-SE-50 body (TreB1en/InsightFace_Pytorch model.py, as pSp/e4e use it): 3/4/14/3 units at 64/128/256/512. */
function irse50(n: Net, x: Fm, taps: Fm[]): Fm {
  x = n.prelu(n.conv(x, 64, { bias: false }))
  const stages: [number, number][] = [
    [64, 3],
    [128, 4],
    [256, 14],
    [512, 3]
  ]
  for (const [depth, units] of stages) {
    for (let u = 0; u < units; u++) {
      const stride = u === 0 ? 2 : 1
      const r = n.prelu(n.conv(x, depth, { bias: false }))
      const b = n.se(n.conv(r, depth, { stride, bias: false }))
      const sc = x.c === depth && stride === 1 ? x : n.conv(x, depth, { k: 1, stride, bias: false })
      x = n.add(b, sc.h === b.h ? sc : n.conv(sc, depth, { k: 1, bias: false }))
    }
    taps.push(x)
  }
  return x
}

/** pSp/e4e GradualStyleBlock: log2(spatial) stride-2 convs 512->512 then a 512x512 linear. */
function styleHead(n: Net, x: Fm): string {
  let f = x
  while (f.h > 1) f = n.leaky(n.conv(f, 512, { stride: 2 }))
  const v = n.op('Reshape', [f.name, n.constI([1, 512])])
  return n.linear(v, 512, 512)
}

/** 18 style heads over the FPN levels (3 coarse at 16, 4 middle at 32, 11 fine at 64), as psp_encoders.py. */
function styleHeads(n: Net, taps: Fm[]): string {
  const c3 = taps[3]
  const p2 = n.add(n.resize(c3, 2), n.conv(taps[2], 512, { k: 1 }))
  const p1 = n.add(n.resize(p2, 2), n.conv(taps[1], 512, { k: 1 }))
  const styles: string[] = []
  for (let i = 0; i < 18; i++) {
    const src = i < 3 ? c3 : i < 7 ? p2 : p1
    styles.push(n.op('Unsqueeze', [styleHead(n, src), n.constI([1])]))
  }
  return n.op('Concat', styles, { axis: 1 })
}

/** e4e (omertov/encoder4editing models/encoders/psp_encoders.py Encoder4Editing): IR-SE-50 + 18 GradualStyleBlocks. */
const e4e: Build = (dry) => {
  const n = new Net('e4e_ffhq_encoder_costeq', 14, dry)
  const taps: Fm[] = []
  irse50(n, n.input('x', 3, 256, 256), taps)
  const wplus = styleHeads(n, taps)
  return { net: n, outputs: [n.output({ name: wplus }, 'output', [1, 18, 512])] }
}

/**
 * StyleGANEX-age (williamyang1991/StyleGANEX models/psp.py + stylegan2/model.py, FaceFusion export): the pSp encoder
 * on the 256 face gives w+, a second IR-SE-50 on the 384 crop gives the first-layer feature map (384/32 = 12), and
 * the StyleGAN2 1024 layers run from there with their usual channels: 12 -> 1536, 4x the 384 input.
 */
const styleganex: Build = (dry) => {
  const n = new Net('styleganex_age_costeq', 15, dry)
  const taps: Fm[] = []
  irse50(n, n.input('target', 3, 256, 256), taps)
  const wplus = styleHeads(n, taps)
  const bgTaps: Fm[] = []
  const feat = irse50(n, n.input('target_with_background', 3, 384, 384), bgTaps) // 512 x 24 x 24
  n.inputs.push({ name: 'direction', type: 'float32', dims: [1] })
  const edited = n.op('Add', [
    wplus,
    n.op('Mul', [n.constF(new Array<number>(512).fill(0.05), [1, 1, 512]), 'direction'])
  ])
  const w = n.op('Reshape', [n.op('ReduceMean', [edited], { axes: [1], keepdims: 0 }), n.constI([1, 512])])
  const start = n.conv(feat, 512, { stride: 2 }) // 12 x 12
  const rgb = synthesis(n, start, w, 7, (i) => SG_CH[4 << (i + 1)] ?? 16)
  const out = n.op('Tanh', [rgb.name])
  return { net: n, outputs: [n.output({ name: out }, 'output', [1, 3, 1536, 1536])] }
}

/**
 * Real-ESRGAN x4plus = RRDBNet(num_feat 64, num_block 23, num_grow_ch 32, scale 4), xinntao/Real-ESRGAN via
 * basicsr/archs/rrdbnet_arch.py: 23 RRDBs of 3 dense blocks of 5 convs, then two nearest x2 + conv. Dynamic h, w;
 * MACs are given for a 64x64 input.
 */
const esrgan: Build = (dry) => {
  const n = new Net('real_esrgan_x4plus_costeq', 16, dry)
  const x0 = n.conv(n.input('input', 3, 64, 64, [1, 3, 'h', 'w']), 64)
  let x = x0
  for (let b = 0; b < 23; b++) {
    let rr = x
    for (let d = 0; d < 3; d++) {
      const feats: Fm[] = [rr]
      for (let k = 0; k < 4; k++) feats.push(n.leaky(n.conv(n.concat(feats), 32)))
      const o = n.conv(n.concat(feats), 64)
      rr = n.add(rr, { ...o, name: n.op('Mul', [o.name, n.constF([0.2], [1])]) })
    }
    x = n.add(x, { ...rr, name: n.op('Mul', [rr.name, n.constF([0.2], [1])]) })
  }
  x = n.add(x0, n.conv(x, 64))
  const up = (f: Fm): Fm => {
    const scales = n.constF([1, 1, 2, 2])
    const r = n.op('Resize', [f.name, '', scales], { mode: 'nearest' })
    return n.leaky(n.conv({ ...f, name: r, h: f.h * 2, w: f.w * 2 }, 64))
  }
  x = n.leaky(n.conv(up(up(x)), 64))
  const out = n.op('Clip', [n.conv(x, 3).name, n.constF([0], []), n.constF([1], [])])
  return { net: n, outputs: [n.output({ name: out }, 'output', [1, 3, 'H', 'W'])] }
}

/**
 * LaMa 512 (advimman/lama big-lama config, as OpenCV Zoo inpainting_lama_2025jan.onnx, 92.6 MB): image + mask ->
 * 3 stride-2 downsamplings to 64x64x512, 9 FFC resblocks (global ratio 0.75; the spectral unit as a 1x1 conv pair:
 * ONNX has no FFT in opset 17, the cost is of the same order), 3 transposed-conv upsamplings.
 */
const lama: Build = (dry) => {
  const n = new Net('lama_512_costeq', 17, dry)
  const img = n.input('image', 3, 512, 512)
  const mask = n.input('mask', 1, 512, 512)
  let x = n.relu(n.conv(n.concat([img, mask]), 64, { k: 7 }))
  for (const c of [128, 256, 512]) x = n.relu(n.conv(x, c, { stride: 2 }))
  // FFC (ratio 0.75): local 3x3 to 128 ch (l2l + g2l), 3x3 128 -> 384 (l2g), spectral 1x1 pair on the global part.
  const ffc = (f: Fm): Fm => {
    const l = n.conv(f, 128)
    const g = n.add(n.conv(l, 384), n.conv(n.relu(n.conv(f, 192, { k: 1 })), 384, { k: 1 }))
    return n.relu(n.concat([l, g]))
  }
  for (let b = 0; b < 9; b++) x = n.residual(x, ffc(ffc(x)))
  for (const c of [256, 128, 64]) x = n.relu(n.convT(x, c))
  const out = n.op('Sigmoid', [n.conv(x, 3, { k: 7 }).name])
  return { net: n, outputs: [n.output({ name: out }, 'output', [1, 3, 512, 512])] }
}

const MODELS: { id: string; file: string; targetMB: number; sizing: string; build: Build }[] = [
  {
    id: 'gfpgan-1.4',
    file: 'gfpgan_1.4.costeq.onnx',
    targetMB: 340,
    sizing: 'GFPGANv1Clean schedule (unet 256..32 ch, decoder 512..64 ch, final_linear 4096x8192, SFT per level)',
    build: gfpgan
  },
  {
    id: 'codeformer',
    file: 'codeformer.costeq.onnx',
    targetMB: 377,
    sizing: 'VQGAN nf64 x[1,2,2,4,4,8], 2 res blocks/level + 3 at the 16x16 middle, 9x transformer d512, CFT 32..256',
    build: codeformer
  },
  {
    id: 'stylegan2-ffhq-generator',
    file: 'ffhq_decoder.costeq.onnx',
    targetMB: 120,
    sizing: 'StyleGAN2 config-f 1024 (cm 2): 8 levels of convT-up + conv + to_rgb, mapping MLP 8x512',
    build: stylegan2
  },
  {
    id: 'e4e-ffhq-encoder',
    file: 'ffhq_encoder.costeq.onnx',
    targetMB: 1000,
    sizing: 'IR-SE-50 at 256 + 18 GradualStyleBlocks (98 convs 512x512x3x3)',
    build: e4e
  },
  {
    id: 'styleganex-age',
    file: 'styleganex_age.costeq.onnx',
    targetMB: 1150,
    sizing: 'pSp encoder (256) + IR-SE-50 feature encoder (384) + StyleGAN2 layers 12 -> 1536',
    build: styleganex
  },
  {
    id: 'real-esrgan-x4plus',
    file: 'real_esrgan_x4.costeq.onnx',
    targetMB: 67,
    sizing: 'RRDBNet 64 feat, 23 RRDB x 3 dense blocks x 5 convs, grow 32; MACs per 64x64 input',
    build: esrgan
  },
  {
    id: 'lama-512',
    file: 'lama_512.costeq.onnx',
    targetMB: 92.6,
    sizing: 'LaMa FFC-ResNet: 3 downs to 64x64x512, 9 FFC res blocks (ratio 0.75, spectral as 1x1 pair), 3 convT ups',
    build: lama
  }
]

export const HEAVY_IDS = MODELS.map((m) => m.id)

/** Git-ignored (see .gitignore: bench/.cache/). */
export const CACHE_DIR = join(__dirname, '..', '.cache', 'heavy')

/** Params and MACs from a dry build (no weights, no file). */
export function heavyFigures(id: string): { params: number; gmacs: number; targetMB: number } {
  const m = MODELS.find((x) => x.id === id)
  if (!m) throw new Error(`unknown heavy model ${id}`)
  const { net } = m.build(true)
  return { params: net.params, gmacs: net.macs / 1e9, targetMB: m.targetMB }
}

/**
 * Returns the model, generating it into the cache the first time (seconds to a minute each). Params and MACs are
 * recounted from the architecture on every call, without weights (a dry build).
 */
export function heavyModel(id: string): HeavyModel & { path: string } {
  const m = MODELS.find((x) => x.id === id)
  if (!m) throw new Error(`unknown heavy model ${id}`)
  mkdirSync(CACHE_DIR, { recursive: true })
  const { net } = m.build(true)
  // The architecture's size is in the name, so a graph cached before graphs.ts changed is not reused.
  const path = join(CACHE_DIR, m.file.replace(/\.onnx$/, `.${net.params}-${Math.round(net.macs / 1e6)}.onnx`))
  if (!existsSync(path)) {
    const tmp = `${path}.partial`
    const real = m.build(false)
    real.net.write(tmp, real.outputs)
    renameSync(tmp, path)
  }
  return {
    id: m.id,
    file: m.file,
    targetMB: m.targetMB,
    sizing: m.sizing,
    params: net.params,
    gmacs: net.macs / 1e9,
    bytes: statSync(path).size,
    path
  }
}
