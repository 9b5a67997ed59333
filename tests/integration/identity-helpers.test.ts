/**
 * Helper models (SFace identity, FairFace age, BiSeNet face regions) with stand-in graphs through the real runtime,
 * the engine's contract binding and the real alignment, on the real photos in ../shared.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../src/main/core/engine'
import { findEntry, loadManifest } from '../../src/main/core/models/manifest'
import { boxOfPoints } from '../../src/main/core/geometry/boxes'
import { alignAffine } from '../../src/main/core/geometry/templates'
import { applyAffine } from '../../src/main/core/geometry/affine'
import { decodePhoto } from '../../src/main/core/image/decode'
import { resizeRgb } from '../../src/main/core/image/resize'
import type { DecodedPhoto, RgbImage } from '../../src/main/core/image/types'
import { restorePhoto } from '../../src/main/core/pipeline/restore-photo'
import { openHelpers } from '../../src/main/core/pipeline/face-helpers'
import { estimateAge, AGE_BUCKETS, ageLabel } from '../../src/main/core/stages/age-estimate/fairface'
import { cosine, faceFeature, SAME_PERSON_COSINE } from '../../src/main/core/stages/identity/sface'
import { FACE_REGION_CLASSES, softenRegionMask } from '../../src/main/core/stages/parsing/bisenet'
import type { Face, Landmarks5 } from '../../src/shared/faces'
import {
  bisenetStandIn,
  fairfaceStandIn,
  FAIRFACE_STANDIN_CENTRES,
  sfaceStandIn,
  type CropRect
} from '../fixtures/helper-graphs'
import { identityRestorer, negateRestorer } from '../fixtures/model-graphs'
import { describeShared, photoPath, sharedPath } from '../helpers/shared-assets'
import { loadStandIn, restorerEntry } from './restore-models'

interface Golden {
  photo: string
  face: number
  landmarks5: number[][]
}

function faceOf(lm: number[][], scale = 1): Face {
  const landmarks = lm.map((p) => [p[0] * scale, p[1] * scale]) as Landmarks5
  return { box: boxOfPoints(landmarks), score: 1, landmarks, source: 'user' }
}

/** A models folder holding stand-ins under the manifest's file names (state "unverified", as a hand-copied file). */
function placeStandIns(dir: string, files: Record<string, Uint8Array>): void {
  const manifest = loadManifest()
  for (const [id, bytes] of Object.entries(files)) writeFileSync(join(dir, findEntry(manifest, id)!.file), bytes)
}

/** Parser rectangle (512 crop pixels): the upper-left part of the face. */
const RECT: CropRect = [150, 180, 300, 330]

describeShared('helper models with stand-in graphs on real photos', () => {
  const goldens = JSON.parse(readFileSync(sharedPath('goldens', 'index.json'), 'utf8')) as Golden[]
  const golden = (photo: string, face: number): Golden =>
    goldens.find((g) => g.photo.includes(photo) && g.face === face)!
  let dir: string
  let engine: Engine
  let published: Engine
  let photos: Map<string, DecodedPhoto>
  let negate: Awaited<ReturnType<typeof loadStandIn>>
  let keep: Awaited<ReturnType<typeof loadStandIn>>

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-helpers-'))
    const ours = join(dir, 'ours')
    const theirs = join(dir, 'published')
    for (const d of [ours, theirs]) mkdirSync(d)
    placeStandIns(ours, {
      'sface-2021dec': sfaceStandIn(),
      fairface: fairfaceStandIn(),
      'bisenet-resnet-34': bisenetStandIn(RECT)
    })
    // Other tensor names, as torch exports carry them: bound by position, shapes checked.
    placeStandIns(theirs, {
      'sface-2021dec': sfaceStandIn({ input: 'input.1', output: '683' }),
      fairface: fairfaceStandIn({ input: 'input', race: 'output_0', gender: 'output_1', age: 'output_2' }),
      'bisenet-resnet-18': bisenetStandIn(RECT, { input: 'x', output: 'out', extraOutput: true })
    })
    engine = createEngine({ modelsDir: ours, provider: 'cpu' })
    published = createEngine({ modelsDir: theirs, provider: 'cpu' })
    photos = new Map()
    for (const p of ['astronaut_512.png', 'gfpgan_old_family_783x1146.png', 'old_faded_boy_glasses_298x450.png'])
      photos.set(p, await decodePhoto(photoPath(p)))
    negate = await loadStandIn(negateRestorer(), restorerEntry('test-negate'))
    keep = await loadStandIn(identityRestorer(), restorerEntry('test-identity'))
  })
  afterAll(async () => {
    await engine?.dispose()
    await published?.dispose()
    await negate?.session.dispose()
    await keep?.session.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('opens all helpers from the models folder, by name and by position; features are unit length', async () => {
    for (const e of [engine, published]) {
      const h = await openHelpers(e)
      expect(h.identity?.entry.id).toBe('sface-2021dec')
      expect(h.ageEstimator?.entry.id).toBe('fairface')
      expect(h.parser?.entry.kind).toBe('face-parser')
      const f = await faceFeature(
        h.identity!,
        photos.get('astronaut_512.png')!.image,
        faceOf(golden('astronaut', 0).landmarks5)
      )
      expect(f.length).toBe(192) // read from the graph, not assumed 128
      expect(Math.hypot(...f)).toBeCloseTo(1, 5)
    }
    // Keep identity or "regions" without the model: MODEL_MISSING naming it (no download behind the user's back).
    const empty = createEngine({ modelsDir: join(dir, 'empty'), provider: 'cpu' })
    await expect(openHelpers(empty, { minIdentity: 0.5 })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      modelId: 'sface-2021dec'
    })
    await expect(openHelpers(empty, { paste: 'regions' })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      modelId: 'bisenet-resnet-34'
    })
    expect(await openHelpers(empty)).toEqual({})
    // "box" opens no parser, whatever is installed.
    expect((await openHelpers(engine, { paste: 'box' })).parser).toBeUndefined()
  })

  it('real alignment: the same face at another scale scores above other people, and itself scores 1', async () => {
    const { identity } = await openHelpers(engine)
    const astro = photos.get('astronaut_512.png')!.image
    const lm = golden('astronaut', 0).landmarks5
    const a = await faceFeature(identity!, astro, faceOf(lm))
    const small = await resizeRgb(astro, 384, 384, 'lanczos3')
    // Pixel centres: x' = (x + 0.5) * s - 0.5.
    const lmSmall = lm.map((p) => [(p[0] + 0.5) * 0.75 - 0.5, (p[1] + 0.5) * 0.75 - 0.5])
    const same = cosine(a, await faceFeature(identity!, small, faceOf(lmSmall)))
    const others = [
      cosine(
        a,
        await faceFeature(
          identity!,
          photos.get('gfpgan_old_family_783x1146.png')!.image,
          faceOf(golden('old_family', 1).landmarks5)
        )
      ),
      cosine(
        a,
        await faceFeature(
          identity!,
          photos.get('old_faded_boy_glasses_298x450.png')!.image,
          faceOf(golden('boy_glasses', 0).landmarks5)
        )
      )
    ]
    console.log(
      `stand-in SFace: same face rescaled ${same.toFixed(3)}, other people ${others.map((o) => o.toFixed(3)).join(', ')}`
    )
    expect(cosine(a, a)).toBeCloseTo(1, 6)
    expect(same).toBeGreaterThan(0.9)
    for (const o of others) expect(same).toBeGreaterThan(o + 0.1)
  })

  it('restore reports identity per face; Keep identity re-blends without a model run, or says it could not', async () => {
    const photo = photos.get('gfpgan_old_family_783x1146.png')!
    const faceList = [0, 1, 2].map((i) => faceOf(golden('old_family', i).landmarks5))
    const helpers = await openHelpers(engine, { paste: 'box' })
    const kept = await restorePhoto({ restorer: keep, helpers }, photo, { faceList, strength: 0.8, paste: 'box' })
    for (const f of kept.report.faces) expect(f.identity!.similarity).toBeGreaterThan(0.99)

    const plain = await restorePhoto({ restorer: negate, helpers }, photo, { faceList, strength: 0.8, paste: 'box' })
    const sims = plain.report.faces.map((f) => f.identity!.similarity)
    for (const s of sims) expect(s).toBeLessThan(0.9)

    const runsBefore = negate.session.runs
    const guarded = await restorePhoto({ restorer: negate, helpers }, photo, {
      faceList,
      strength: 0.8,
      paste: 'box',
      minIdentity: 0.9
    })
    expect(negate.session.runs - runsBefore).toBe(3) // one restorer run per face; the search is re-blends only
    for (const f of guarded.report.faces) {
      const k = f.identity!.keep!
      expect(k.reached).toBe(true)
      expect(k.fromStrength).toBe(0.8)
      expect(k.toStrength).toBeLessThan(0.8)
      expect(f.strength).toBe(k.toStrength)
      expect(f.identity!.similarity).toBeGreaterThanOrEqual(0.9)
      // Bisection finds (nearly) the largest strength that still reaches 0.9, not just any lower one.
      expect(k.toStrength).toBeGreaterThan(0.1)
    }
    expect(guarded.report.notes!.filter((n) => /strength lowered 80% ->/.test(n)).length).toBe(3)
    expect(guarded.report.provenance![0]).toMatchObject({ op: 'identity-check', model: 'sface-2021dec' })
    expect(guarded.session.provenance(guarded.report.provenance).operations.map((o) => o.op)).toEqual([
      'restore',
      'identity-check'
    ])

    // A minimum no strength reaches (an inverted face never scores 1): said plainly, left at the floor.
    const never = await restorePhoto({ restorer: negate, helpers }, photo, {
      faceList: [faceList[0]],
      faces: [0],
      strength: 0.8,
      paste: 'box',
      minIdentity: 1
    })
    const k = never.report.faces[0].identity!.keep!
    expect(k.reached).toBe(false)
    expect(k.toStrength).toBeCloseTo(0.1)
    expect(never.report.notes!.some((n) => /could not reach 1/.test(n))).toBe(true)
  })

  it('age estimate: the bucket from the age output only (normalised input), shown as "about ..."', async () => {
    for (const e of [engine, published]) {
      const { ageEstimator } = await openHelpers(e)
      for (const grey of [0, 90, 128, 200, 255]) {
        const img: RgbImage = { width: 300, height: 300, data: new Uint8Array(300 * 300 * 3).fill(grey) }
        const face = faceOf(golden('astronaut', 0).landmarks5.map((p) => [p[0] - 100, p[1] - 20]))
        const mean = [0.485, 0.456, 0.406]
        const std = [0.229, 0.224, 0.225]
        const m = [0, 1, 2].reduce((acc, c) => acc + (grey / 255 - mean[c]) / std[c], 0) / 3
        let want = 0
        FAIRFACE_STANDIN_CENTRES.forEach((c, k) => {
          if (Math.abs(m - c) < Math.abs(m - FAIRFACE_STANDIN_CENTRES[want])) want = k
        })
        const a = await estimateAge(ageEstimator!, img, face)
        expect(a.bucket).toBe(AGE_BUCKETS[want].label)
        expect(ageLabel(a)).toBe(`about ${AGE_BUCKETS[want].label}`)
        expect(a.years).toBeGreaterThanOrEqual(a.low)
      }
    }
  })

  it('face regions: only the parsed region takes the restored face; outside it the photo is exactly the original', async () => {
    const photo = photos.get('astronaut_512.png')!
    const face = faceOf(golden('astronaut', 0).landmarks5)
    for (const e of [engine, published]) {
      const helpers = await openHelpers(e)
      const regions = await restorePhoto({ restorer: negate, helpers }, photo, { faceList: [face], strength: 1 })
      const box = await restorePhoto({ restorer: negate, helpers }, photo, {
        faceList: [face],
        strength: 1,
        paste: 'box'
      })
      expect(regions.session.layers[0].params).toMatchObject({ paste: 'regions' })
      const r = regions.session.compose()
      const b = box.session.compose()
      const orig = photo.image
      // Image -> 512 crop of the restorer (ffhq template), to know where each pixel falls in the parser's labels.
      const m = alignAffine(face.landmarks, 'ffhq_512', 512)
      let inside = 0
      let outside = 0
      let changedOutside = 0
      let sameAsBoxInside = 0
      for (let y = 0; y < orig.height; y++) {
        for (let x = 0; x < orig.width; x++) {
          const [u, v] = applyAffine(m, [x, y])
          if (u < 0 || v < 0 || u >= 512 || v >= 512) continue
          const i = (y * orig.width + x) * 3
          const deepIn = u > RECT[0] + 25 && u < RECT[2] - 25 && v > RECT[1] + 25 && v < RECT[3] - 25
          const out = u < RECT[0] - 2 || u > RECT[2] + 2 || v < RECT[1] - 2 || v > RECT[3] + 2
          if (out) {
            outside++
            if (r.data[i] !== orig.data[i] || r.data[i + 1] !== orig.data[i + 1] || r.data[i + 2] !== orig.data[i + 2])
              changedOutside++
          } else if (deepIn) {
            inside++
            if (Math.abs(r.data[i] - b.data[i]) <= 1 && Math.abs(r.data[i + 2] - b.data[i + 2]) <= 1) sameAsBoxInside++
          }
        }
      }
      expect(outside).toBeGreaterThan(10000)
      expect(inside).toBeGreaterThan(100)
      expect(changedOutside).toBe(0)
      expect(sameAsBoxInside / inside).toBeGreaterThan(0.99)
    }
  })

  it('region mask recipe: blur sigma 5, clip 0.5..1, rescale — zero outside the region, one well inside', () => {
    const S = 512
    const hard = new Float32Array(S * S)
    for (let y = 0; y < S; y++) for (let x = 256; x < S; x++) hard[y * S + x] = 1
    const m = softenRegionMask(hard, S, S, S)
    const row = (x: number): number => m.data[200 * S + x]
    expect(row(250)).toBe(0) // outside the region: the clip at 0.5 leaves nothing
    expect(row(256)).toBeGreaterThan(0) // just inside: rising
    expect(row(256)).toBeLessThan(0.2)
    expect(row(256 + 15)).toBeCloseTo(1, 2) // 3 sigma in: full
    expect(FACE_REGION_CLASSES).toEqual([1, 2, 3, 4, 5, 6, 10, 11, 12, 13])
    expect(SAME_PERSON_COSINE).toBe(0.363)
  })
})
