/**
 * A small layer-level builder over tests/fixtures/onnx-writer.ts for the cost-equivalent graphs of bench/heavy:
 * each call adds real ONNX ops (Conv, ConvTranspose, Resize, MatMul, InstanceNormalization, LeakyRelu, ...) with
 * random weights, and keeps count of parameters and multiply-accumulates (MACs) at the nominal input size, so every
 * graph can say how it was sized. Weights are seeded He-uniform and residual sums are scaled by 1/sqrt(2) (as
 * StyleGAN2's ResBlock does), so activations keep a normal range: no NaN, no denormals, real arithmetic.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import {
  encodeModelParts,
  f32,
  i64,
  type InitSpec,
  type NodeSpec,
  type ValueSpec
} from '../../tests/fixtures/onnx-writer'

/** A 4-D feature map [1, c, h, w] (h, w nominal when the graph input is dynamic). */
export interface Fm {
  name: string
  c: number
  h: number
  w: number
}
/** Tokens [1, n, d]. */
export interface Tok {
  name: string
  n: number
  d: number
}

export interface ConvOpts {
  k?: number
  stride?: number
  dilation?: number
  bias?: boolean
}

export class Net {
  readonly nodes: NodeSpec[] = []
  readonly inits: InitSpec[] = []
  readonly inputs: ValueSpec[] = []
  params = 0
  macs = 0
  private id = 0
  private seed: number

  /** `dry`: count params and MACs without generating weights. */
  constructor(
    readonly name: string,
    seed = 1,
    private readonly dry = false
  ) {
    this.seed = seed >>> 0 || 1
  }

  private fresh(prefix: string): string {
    return `${prefix}_${this.id++}`
  }

  /** xorshift32 uniform in [-a, a]: fast enough for hundreds of millions of weights. */
  private uniform(n: number, a: number): Float32Array {
    if (this.dry) return new Float32Array(0)
    const out = new Float32Array(n)
    let s = this.seed
    const k = (2 * a) / 4294967296
    for (let i = 0; i < n; i++) {
      s ^= s << 13
      s ^= s >>> 17
      s ^= s << 5
      out[i] = (s >>> 0) * k - a
    }
    this.seed = s >>> 0 || 1
    return out
  }

  /** A trainable tensor (counted as parameters). */
  weight(dims: number[], fanIn: number, gain = Math.SQRT2): string {
    const n = dims.reduce((a, b) => a * b, 1)
    const name = this.fresh('w')
    this.inits.push({ name, type: 'float32', dims, data: this.uniform(n, (gain * Math.sqrt(3)) / Math.sqrt(fanIn)) })
    this.params += n
    return name
  }

  /** A constant that is not a parameter (scales, shapes). */
  constF(values: number[], dims = [values.length]): string {
    const name = this.fresh('c')
    this.inits.push({ name, type: 'float32', dims, data: Float32Array.from(values) })
    return name
  }

  constI(values: number[]): string {
    const name = this.fresh('s')
    this.inits.push(i64(name, values))
    return name
  }

  op(op: string, inputs: string[], attrs?: NodeSpec['attrs']): string {
    const out = this.fresh(op.toLowerCase())
    this.nodes.push({ op, inputs, outputs: [out], ...(attrs ? { attrs } : {}) })
    return out
  }

  input(name: string, c: number, h: number, w: number, dims?: (number | string)[]): Fm {
    this.inputs.push(f32(name, dims ?? [1, c, h, w]))
    return { name, c, h, w }
  }

  conv(x: Fm, cout: number, o: ConvOpts = {}): Fm {
    const k = o.k ?? 3
    const stride = o.stride ?? 1
    const d = o.dilation ?? 1
    const pad = (d * (k - 1)) >> 1
    const W = this.weight([cout, x.c, k, k], x.c * k * k)
    const ins = [x.name, W]
    if (o.bias !== false) {
      ins.push(this.constF(new Array<number>(cout).fill(0)))
      this.params += cout
    }
    const h = Math.floor((x.h + 2 * pad - d * (k - 1) - 1) / stride) + 1
    const w = Math.floor((x.w + 2 * pad - d * (k - 1) - 1) / stride) + 1
    this.macs += cout * x.c * k * k * h * w
    const name = this.op('Conv', ins, {
      kernel_shape: [k, k],
      pads: [pad, pad, pad, pad],
      strides: [stride, stride],
      dilations: [d, d]
    })
    return { name, c: cout, h, w }
  }

  /** 3x3 stride-2 transposed conv: twice the size (StyleGAN2's upsampling modulated conv). */
  convT(x: Fm, cout: number): Fm {
    const W = this.weight([x.c, cout, 3, 3], x.c * 9 * 0.25)
    this.macs += x.c * cout * 9 * x.h * x.w
    const name = this.op('ConvTranspose', [x.name, W], {
      kernel_shape: [3, 3],
      strides: [2, 2],
      pads: [1, 1, 1, 1],
      output_padding: [1, 1]
    })
    return { name, c: cout, h: x.h * 2, w: x.w * 2 }
  }

  leaky(x: Fm, alpha = 0.2): Fm {
    return { ...x, name: this.op('LeakyRelu', [x.name], { alpha: { float: alpha } }) }
  }

  prelu(x: Fm): Fm {
    const slope = this.constF(new Array<number>(x.c).fill(0.25), [x.c, 1, 1])
    this.params += x.c
    return { ...x, name: this.op('PRelu', [x.name, slope]) }
  }

  relu(x: Fm): Fm {
    return { ...x, name: this.op('Relu', [x.name]) }
  }

  instanceNorm(x: Fm): Fm {
    const scale = this.constF(new Array<number>(x.c).fill(1))
    const bias = this.constF(new Array<number>(x.c).fill(0))
    this.params += 2 * x.c
    return { ...x, name: this.op('InstanceNormalization', [x.name, scale, bias], { epsilon: { float: 1e-5 } }) }
  }

  /** Bilinear resize by `s` (2 = up, 0.5 = down), as F.interpolate in the publishers' code. */
  resize(x: Fm, s: number): Fm {
    const scales = this.constF([1, 1, s, s])
    const name = this.op('Resize', [x.name, '', scales], { mode: 'linear' })
    return { name, c: x.c, h: Math.floor(x.h * s), w: Math.floor(x.w * s) }
  }

  /** (a + b) / sqrt(2): StyleGAN2-style residual sum. */
  residual(a: Fm, b: Fm): Fm {
    const sum = this.op('Add', [a.name, b.name])
    return { ...a, name: this.op('Mul', [sum, this.constF([Math.SQRT1_2], [1])]) }
  }

  add(a: Fm, b: Fm): Fm {
    return { ...a, name: this.op('Add', [a.name, b.name]) }
  }

  concat(xs: Fm[]): Fm {
    const name = this.op(
      'Concat',
      xs.map((x) => x.name),
      { axis: 1 }
    )
    return { ...xs[0], name, c: xs.reduce((s, x) => s + x.c, 0) }
  }

  /** Squeeze-and-excitation (IR-SE blocks of pSp / e4e). */
  se(x: Fm, reduction = 16): Fm {
    const pooled: Fm = { name: this.op('GlobalAveragePool', [x.name]), c: x.c, h: 1, w: 1 }
    const a = this.relu(this.conv(pooled, Math.max(1, x.c / reduction), { k: 1, bias: false }))
    const b = this.conv(a, x.c, { k: 1, bias: false })
    return { ...x, name: this.op('Mul', [x.name, this.op('Sigmoid', [b.name])]) }
  }

  /** Linear layer on a [1, n] vector. */
  linear(v: string, nIn: number, nOut: number): string {
    const W = this.weight([nIn, nOut], nIn, 1)
    this.macs += nIn * nOut
    return this.op('Add', [this.op('MatMul', [v, W]), this.constF(new Array<number>(nOut).fill(0))])
  }

  /** StyleGAN2 modulated conv as exported: style = linear(w) scales the input channels, then Conv. */
  modConv(x: Fm, w: string, cout: number, up: 'none' | 'convT' | 'resize' = 'none', k = 3): Fm {
    const style = this.linear(w, 512, x.c)
    const s4 = this.op('Reshape', [style, this.constI([1, x.c, 1, 1])])
    const scaled = { ...x, name: this.op('Mul', [x.name, s4]) }
    if (up === 'convT') return this.convT(scaled, cout)
    const src = up === 'resize' ? this.resize(scaled, 2) : scaled
    return this.conv(src, cout, { k })
  }

  /** [1,c,h,w] -> tokens [1, h*w, c]. */
  toTokens(x: Fm): Tok {
    const flat = this.op('Reshape', [x.name, this.constI([1, x.c, x.h * x.w])])
    return { name: this.op('Transpose', [flat], { perm: [0, 2, 1] }), n: x.h * x.w, d: x.c }
  }

  fromTokens(t: Tok, h: number, w: number): Fm {
    const tr = this.op('Transpose', [t.name], { perm: [0, 2, 1] })
    return { name: this.op('Reshape', [tr, this.constI([1, t.d, h, w])]), c: t.d, h, w }
  }

  private dense(t: Tok, dOut: number): Tok {
    const W = this.weight([t.d, dOut], t.d, 1)
    this.macs += t.n * t.d * dOut
    return { name: this.op('MatMul', [t.name, W]), n: t.n, d: dOut }
  }

  private layerNorm(t: Tok): Tok {
    const g = this.constF(new Array<number>(t.d).fill(1))
    const b = this.constF(new Array<number>(t.d).fill(0))
    this.params += 2 * t.d
    return { ...t, name: this.op('LayerNormalization', [t.name, g, b], { axis: -1, epsilon: { float: 1e-5 } }) }
  }

  /** Pre-norm transformer layer (single-head attention over all tokens + GELU-free MLP), as CodeFormer's. */
  transformer(t: Tok, ff: number): Tok {
    const n = this.layerNorm(t)
    const q = this.dense(n, t.d)
    const k = this.dense(n, t.d)
    const v = this.dense(n, t.d)
    const kt = this.op('Transpose', [k.name], { perm: [0, 2, 1] })
    const scores = this.op('Mul', [this.op('MatMul', [q.name, kt]), this.constF([1 / Math.sqrt(t.d)], [1])])
    const attn = this.op('Softmax', [scores], { axis: -1 })
    this.macs += 2 * t.n * t.n * t.d
    const o = this.dense({ name: this.op('MatMul', [attn, v.name]), n: t.n, d: t.d }, t.d)
    const r1 = { ...t, name: this.op('Add', [t.name, o.name]) }
    const h = this.dense(this.layerNorm(r1), ff)
    const h2 = this.dense({ ...h, name: this.op('Relu', [h.name]) }, t.d)
    return { ...t, name: this.op('Add', [r1.name, h2.name]) }
  }

  /** Marks `x` as the output `name` (through Identity so the name is exact). */
  output(x: { name: string }, name: string, dims: (number | string)[]): ValueSpec {
    this.nodes.push({ op: 'Identity', inputs: [x.name], outputs: [name] })
    return f32(name, dims)
  }

  /** Writes the model file without building one contiguous copy of its weights. Returns bytes written. */
  write(path: string, outputs: ValueSpec[]): number {
    const parts = encodeModelParts({
      name: this.name,
      inputs: this.inputs,
      outputs,
      nodes: this.nodes,
      initializers: this.inits
    })
    const fd = openSync(path, 'w')
    let bytes = 0
    try {
      for (const p of parts) bytes += writeSync(fd, p)
    } finally {
      closeSync(fd)
    }
    return bytes
  }
}
