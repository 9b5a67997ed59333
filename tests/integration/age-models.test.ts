import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Landmarks5 } from '../../src/shared/faces'
import type { Manifest, ManifestEntry } from '../../src/shared/model-manifest'
import { createEngine, type Engine } from '../../src/main/core/engine'
import { ModelStore } from '../../src/main/core/models/store'
import { ageFace } from '../../src/main/core/stages/age/age-face'
import { generateFace, latentForSeed, openGenerateModels } from '../../src/main/core/stages/age/generate'
import { openAgeModels } from '../../src/main/core/stages/age/models'
import { seededNormals } from '../../src/main/core/stages/age/prng'
import { agePhoto } from '../../src/main/core/stages/age/age-photo'
import { negateRestorer, writeGraph } from '../fixtures/model-graphs'
import { modelPath, hasShared } from '../helpers/shared-assets'
import {
  blockEncoderGraph,
  blockGeneratorGraph,
  halfMappingGraph,
  samBlockEncoderGraph,
  styleganexGraph,
  writeGraphFile,
  writeGraphWithExternalData,
  writeNpy
} from '../fixtures/age-graphs'

let root: string
/** expect.stringMatching typed (vitest types it as any). */
const stringMatching = (re: RegExp): string => expect.stringMatching(re) as string
let files: string
const engines: Engine[] = []

const entry = (e: Partial<ManifestEntry> & Pick<ManifestEntry, 'id' | 'kind' | 'family' | 'file'>): ManifestEntry => ({
  name: e.id,
  license: 'test',
  commercialUse: false,
  urls: ['https://example.invalid/model'],
  ...e
})

/** A models dir with the given files installed, and an engine over a test manifest. */
function engineWith(models: ManifestEntry[], install: Record<string, string>): Engine {
  const dir = mkdtempSync(join(root, 'models-'))
  for (const [name, src] of Object.entries(install)) copyFileSync(src, join(dir, name))
  const manifest: Manifest = { version: 1, models }
  const engine = createEngine({ provider: 'cpu', store: new ModelStore({ dir, manifest }) })
  engines.push(engine)
  return engine
}

const LM: Landmarks5 = [
  [200, 250],
  [270, 250],
  [235, 292],
  [207, 323],
  [263, 323]
]
const photo = () => {
  const data = new Uint8Array(500 * 500 * 3)
  for (let i = 0; i < data.length; i++) data[i] = (i * 13) % 251
  return { width: 500, height: 500, data }
}

const p = (name: string) => join(files, name)

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'heirloom-age-models-'))
  files = join(root, 'files')
  mkdirSync(files)
  writeGraphFile(files, 'enc.onnx', blockEncoderGraph())
  writeGraphFile(files, 'gen.onnx', blockGeneratorGraph())
  writeGraphFile(files, 'sam.onnx', samBlockEncoderGraph())
  writeGraphFile(files, 'sx.onnx', styleganexGraph())
  writeGraphFile(files, 'map.onnx', halfMappingGraph())
  writeGraphFile(files, 'enc16.onnx', blockEncoderGraph({ latentDims: [1, 16, 512] }))
  writeNpy(
    p('dir.npy'),
    [1, 512],
    Float32Array.from({ length: 512 }, (_, i) => Math.cos(i) * 0.05)
  )
  writeNpy(p('avg.npy'), [18, 512], new Float32Array(18 * 512).fill(0.1))
  writeNpy(p('zero-w.npy'), [1, 512], new Float32Array(512))
})

afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose()
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('age models opened through the engine', () => {
  it('custom files: a generator with external data loads from its own folder (sidecar kept beside it)', async () => {
    const ext = writeGraphWithExternalData(join(root, 'big-gen'), 'generator.onnx', blockGeneratorGraph(), [
      'gain',
      'bias'
    ])
    expect(ext.data).toEqual([join(root, 'big-gen', 'generator.onnx.data')])
    // a "split" export: one sidecar per tensor
    const split = writeGraphWithExternalData(
      join(root, 'split-gen'),
      'generator.onnx',
      blockGeneratorGraph(),
      ['gain', 'bias'],
      { perTensor: true }
    )
    expect(split.data).toHaveLength(2)
    const engine = engineWith([], {})
    const models = await openAgeModels(engine, {
      encoder: { file: p('enc.onnx') },
      generator: { file: ext.model },
      direction: { file: hasShared ? modelPath('e4e_age_direction.npy') : p('dir.npy') }
    })
    expect(models.route).toBe('latent')
    if (models.route !== 'latent') return
    expect(models.calibration.latentPerYear).toBeGreaterThan(0)
    const aged = await ageFace(models, photo(), LM, { amount: { kind: 'delta', years: 10 } })
    expect(aged.raw.width).toBe(1024)
    const splitModels = await openAgeModels(engine, {
      encoder: { file: p('enc.onnx') },
      generator: { file: split.model },
      direction: { file: hasShared ? modelPath('e4e_age_direction.npy') : p('dir.npy') }
    })
    const again = await ageFace(splitModels, photo(), LM, { amount: { kind: 'delta', years: 10 } })
    expect(Buffer.from(again.raw.data).equals(Buffer.from(aged.raw.data))).toBe(true)
    // the same graph moved without its sidecar cannot load, and says why
    mkdirSync(join(root, 'lonely'), { recursive: true })
    copyFileSync(ext.model, join(root, 'lonely', 'generator.onnx'))
    await expect(
      openAgeModels(engine, {
        encoder: { file: p('enc.onnx') },
        generator: { file: join(root, 'lonely', 'generator.onnx') },
        direction: { file: p('dir.npy') }
      })
    ).rejects.toMatchObject({ code: 'MODEL_MISSING', message: stringMatching(/data file/) })
  })

  it('manifest route: calibration, layers and the average latent come from the entries', async () => {
    const engine = engineWith(
      [
        entry({
          id: 'enc',
          kind: 'age-encoder',
          family: 'e4e',
          file: 'enc.onnx',
          options: { encoderOutputs: 'offsets', averageLatent: 'avg' }
        }),
        entry({ id: 'gen', kind: 'age-generator', family: 'stylegan2', file: 'gen.onnx' }),
        entry({
          id: 'dir',
          kind: 'age-direction',
          family: 'npy',
          file: 'dir.npy',
          options: { latentPerYear: 0.2, directionSign: -1, layers: '0-1' }
        }),
        entry({ id: 'avg', kind: 'age-direction', family: 'npy', file: 'avg.npy', options: { role: 'latent-avg' } })
      ],
      { 'enc.onnx': p('enc.onnx'), 'gen.onnx': p('gen.onnx'), 'dir.npy': p('dir.npy'), 'avg.npy': p('avg.npy') }
    )
    const models = await openAgeModels(engine, {})
    expect(models.route).toBe('latent')
    if (models.route !== 'latent') return
    expect(models.calibration).toMatchObject({ latentPerYear: 0.2, directionSign: -1 })
    expect(models.layers).toEqual([0, 2])
    expect(models.averageLatent?.[5000]).toBeCloseTo(0.1, 6)
    expect(models.directionLabel).toBe('dir')
    // CLI overrides win over the manifest
    const flipped = await openAgeModels(engine, { directionSign: 1, latentPerYear: 0.05, encoderOutputs: 'absolute' })
    if (flipped.route !== 'latent') throw new Error('route')
    expect(flipped.calibration).toMatchObject({ latentPerYear: 0.05, directionSign: 1 })
    expect(flipped.averageLatent).toBeUndefined()
  })

  it('an encoder that outputs offsets without an average latent is MODEL_MISSING', async () => {
    const engine = engineWith([], {})
    await expect(
      openAgeModels(engine, {
        encoder: { file: p('enc.onnx') },
        generator: { file: p('gen.onnx') },
        direction: { file: p('dir.npy') },
        encoderOutputs: 'offsets'
      })
    ).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      message: stringMatching(/average latent/),
      reason: 'age-part-missing',
      fields: { part: 'average-latent' }
    })
  })

  it('StyleGANEX by id takes directionSign/directionMax from the manifest; the flag overrides the sign', async () => {
    const engine = engineWith(
      [
        entry({
          id: 'sx',
          kind: 'age-model',
          family: 'styleganex',
          file: 'sx.onnx',
          options: { directionSign: -1, directionMax: 2.5 }
        })
      ],
      { 'sx.onnx': p('sx.onnx') }
    )
    const m = await openAgeModels(engine, { model: 'sx' })
    expect(m).toMatchObject({ route: 'styleganex', calibration: { directionSign: -1, maxFactor: 2.5 } })
    const flipped = await openAgeModels(engine, { model: 'sx', directionSign: 1 })
    expect(flipped).toMatchObject({ calibration: { directionSign: 1 } })
    const viaFile = await openAgeModels(engine, { ageModelFile: p('sx.onnx'), ageModelKind: 'styleganex' })
    expect(viaFile.route).toBe('styleganex')
  })

  it('SAM uses its companions (pSp encoder + average latent) and refuses to run without them', async () => {
    const models = [
      entry({
        id: 'sam',
        kind: 'age-encoder',
        family: 'sam',
        file: 'sam.onnx',
        options: { companions: ['psp', 'dec', 'avg'] }
      }),
      entry({
        id: 'psp',
        kind: 'age-encoder',
        family: 'psp',
        file: 'enc.onnx',
        options: { encoderOutputs: 'offsets' }
      }),
      entry({ id: 'dec', kind: 'age-generator', family: 'stylegan2', file: 'gen.onnx' }),
      entry({ id: 'avg', kind: 'age-direction', family: 'npy', file: 'avg.npy', options: { role: 'latent-avg' } })
    ]
    const full = engineWith(models, {
      'sam.onnx': p('sam.onnx'),
      'enc.onnx': p('enc.onnx'),
      'gen.onnx': p('gen.onnx'),
      'avg.npy': p('avg.npy')
    })
    const m = await openAgeModels(full, { model: 'sam' })
    expect(m.route).toBe('sam')
    if (m.route !== 'sam') return
    expect(m.pretrained?.label).toBe('psp')
    expect(m.averageLatent).toBeDefined()
    expect(m.generator.label).toBe('dec')
    // Without the pSp encoder and latent_avg the decoder would render another face: refused, naming both.
    const bare = engineWith(models, { 'sam.onnx': p('sam.onnx'), 'gen.onnx': p('gen.onnx') })
    const err = await openAgeModels(bare, { model: 'sam' }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'MODEL_MISSING' })
    expect((err as Error).message).toMatch(
      /missing: the pretrained pSp encoder \(psp\) and the average latent \(avg\)\.$/
    )
    expect(err).toMatchObject({
      reason: 'age-part-missing',
      fields: { part: 'sam-companions', ids: 'psp avg', flags: '--pretrained-encoder-file and --average-latent-file' }
    })
    // One missing part is named alone.
    const half = engineWith(models, { 'sam.onnx': p('sam.onnx'), 'gen.onnx': p('gen.onnx'), 'enc.onnx': p('enc.onnx') })
    const err2 = await openAgeModels(half, { model: 'sam' }).catch((e: unknown) => e)
    expect((err2 as Error).message).toMatch(/missing: the average latent \(avg\)\.$/)
  })

  it('wrong shapes give MODEL_CONTRACT, and a generator given as the encoder is refused', async () => {
    const engine = engineWith([], {})
    const base = { generator: { file: p('gen.onnx') }, direction: { file: p('dir.npy') } }
    await expect(openAgeModels(engine, { ...base, encoder: { file: p('enc16.onnx') } })).rejects.toMatchObject({
      code: 'MODEL_CONTRACT'
    })
    await expect(openAgeModels(engine, { ...base, encoder: { file: p('gen.onnx') } })).rejects.toMatchObject({
      code: 'MODEL_CONTRACT'
    })
    await expect(
      openAgeModels(engine, { ageModelFile: p('enc.onnx'), ageModelKind: 'styleganex' })
    ).rejects.toMatchObject({
      code: 'MODEL_CONTRACT'
    })
    // a direction .npy of the wrong shape
    writeNpy(p('bad-dir.npy'), [14, 512], new Float32Array(14 * 512))
    await expect(
      openAgeModels(engine, { ...base, encoder: { file: p('enc.onnx') }, direction: { file: p('bad-dir.npy') } })
    ).rejects.toMatchObject({ code: 'MODEL_CONTRACT' })
  })
})

describe('age then restore', () => {
  it('--restore-after runs the restorer on the aged faces only, on top of the aged layer', async () => {
    const engine = engineWith([], {})
    const models = await openAgeModels(engine, {
      encoder: { file: p('enc.onnx') },
      generator: { file: p('gen.onnx') },
      direction: { file: p('dir.npy') }
    })
    const restorer = await engine.openModel({
      file: writeGraph(files, 'negate.onnx', negateRestorer(512)),
      kind: 'restorer',
      family: 'gfpgan'
    })
    const img = photo()
    const LM2: Landmarks5 = LM.map(([x, y]) => [x + 150, y + 100]) as Landmarks5
    const faces = [LM, LM2].map((l) => ({
      box: [l[0][0] - 30, l[0][1] - 40, 100, 130] as [number, number, number, number],
      score: 0.9,
      landmarks: l
    }))
    const base = { image: img, grayscale: false, format: 'png' as const, bitDepth: 8, metadata: {} }
    const agedOnly = await agePhoto({ models }, base, { amount: { kind: 'factor', k: 2 }, faceList: faces, faces: [0] })
    const both = await agePhoto({ models, restorer }, base, {
      amount: { kind: 'factor', k: 2 },
      faceList: faces,
      faces: [0],
      restoreStrength: 1
    })
    expect(both.report.restoredWith).toMatch(/negate/)
    expect(both.report.faces.map((f) => [f.aged, f.restored])).toEqual([
      [true, true],
      [false, false]
    ])
    expect(both.session.layers.map((l) => l.op)).toEqual(['age', 'restore'])
    const a = agedOnly.session.compose()
    const b = both.session.compose()
    // the negating restorer inverts face 0 on top of the aged face; face 1 is identical in both
    const at = (im: typeof a, x: number, y: number) => im.data[(y * im.width + x) * 3]
    expect(Math.abs(at(a, 235, 280) + at(b, 235, 280) - 255)).toBeLessThan(30)
    expect(at(b, 385, 380)).toBe(at(a, 385, 380))
  })
})

describe('age generate (mapping network)', () => {
  it('without a mapping network: MODEL_MISSING that says what to install', async () => {
    const engine = engineWith([entry({ id: 'gen', kind: 'age-generator', family: 'stylegan2', file: 'gen.onnx' })], {
      'gen.onnx': p('gen.onnx')
    })
    await expect(openGenerateModels(engine)).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      message: stringMatching(/mapping network/)
    })
  })

  it('samples z from the seed, maps, truncates toward w_avg (0.7) and broadcasts to 18 layers', async () => {
    const engine = engineWith(
      [
        entry({
          id: 'map',
          kind: 'mapping',
          family: 'stylegan2',
          file: 'map.onnx',
          options: { averageLatent: 'wavg' }
        }),
        entry({
          id: 'wavg',
          kind: 'age-direction',
          family: 'npy',
          file: 'zero-w.npy',
          options: { role: 'latent-avg' }
        }),
        entry({ id: 'gen', kind: 'age-generator', family: 'stylegan2', file: 'gen.onnx' })
      ],
      { 'map.onnx': p('map.onnx'), 'zero-w.npy': p('zero-w.npy'), 'gen.onnx': p('gen.onnx') }
    )
    const models = await openGenerateModels(engine)
    expect(models.averageSource).toBe('file')
    const w = await latentForSeed(models, { seed: 7 })
    const z = seededNormals(7, 512)
    // stand-in mapping w = 0.5 z, w_avg = 0, psi 0.7 -> 0.35 z on every layer
    expect(w[3]).toBeCloseTo(0.35 * z[3], 5)
    expect(w[17 * 512 + 3]).toBeCloseTo(0.35 * z[3], 5)
    const a = await generateFace(models, { seed: 7 })
    const b = await generateFace(models, { seed: 7 })
    const c = await generateFace(models, { seed: 8 })
    expect(a.width).toBe(1024)
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true)
    expect(Buffer.from(a.data).equals(Buffer.from(c.data))).toBe(false)
    await expect(latentForSeed(models, { seed: 1, truncation: 1.5 })).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })

  it('estimates w_avg from seeded samples when none is given', async () => {
    const engine = engineWith([entry({ id: 'gen', kind: 'age-generator', family: 'stylegan2', file: 'gen.onnx' })], {
      'gen.onnx': p('gen.onnx')
    })
    const models = await openGenerateModels(engine, { mapping: { file: p('map.onnx') } })
    expect(models.averageSource).toBe('estimated')
    // mean of 0.5 z over 512 samples: ~N(0, 0.5/sqrt(512)) per coordinate
    let maxAbs = 0
    for (const v of models.averageW) maxAbs = Math.max(maxAbs, Math.abs(v))
    expect(maxAbs).toBeLessThan(0.12)
  })
})
