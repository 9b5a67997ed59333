import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Face, Landmarks5 } from '../../src/shared/faces'
import { boxOfPoints } from '../../src/main/core/geometry/boxes'
import { decodePhoto } from '../../src/main/core/image/decode'
import type { DecodedPhoto, RgbImage } from '../../src/main/core/image/types'
import { isGrayscaleImage } from '../../src/main/core/image/gray'
import { EditSession } from '../../src/main/core/pipeline/edit-session'
import { restoreOperation } from '../../src/main/core/operations/restore/face-operation'
import { restorePhoto } from '../../src/main/core/pipeline/restore-photo'
import { restoreFaceCrop, restorerSpec, skinMask } from '../../src/main/core/stages/restore'
import { codeformerLike, identityRestorer, negateRestorer } from '../fixtures/model-graphs'
import { describeShared, goldenPath, photoPath, sharedPath } from '../helpers/shared-assets'
import { loadStandIn, restorerEntry } from './restore-models'

interface Golden {
  photo: string
  face: number
  landmarks5: number[][]
  paste_of_inverted_crop: string
}

function psnr(a: RgbImage, b: RgbImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height])
  let se = 0
  for (let i = 0; i < a.data.length; i++) se += (a.data[i] - b.data[i]) ** 2
  const mse = se / a.data.length
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse)
}

function faceOf(lm: number[][]): Face {
  const landmarks = lm.map((p) => [p[0], p[1]]) as Landmarks5
  return { box: boxOfPoints(landmarks), score: 1, landmarks, source: 'user' }
}

describeShared('restorers with stand-in graphs on real photos', () => {
  const goldens = JSON.parse(readFileSync(sharedPath('goldens', 'index.json'), 'utf8')) as Golden[]
  const photos = new Map<string, DecodedPhoto>()
  let identity: Awaited<ReturnType<typeof loadStandIn>>
  let negate: Awaited<ReturnType<typeof loadStandIn>>

  beforeAll(async () => {
    identity = await loadStandIn(identityRestorer(), restorerEntry('test-identity'))
    negate = await loadStandIn(negateRestorer(), restorerEntry('test-negate'))
    for (const g of goldens) if (!photos.has(g.photo)) photos.set(g.photo, await decodePhoto(sharedPath(g.photo)))
  })
  afterAll(async () => {
    await identity?.session.dispose()
    await negate?.session.dispose()
  })

  it('negate graph reproduces the facexlib paste-back goldens (colour-inverted face lands in place)', async () => {
    for (const g of goldens) {
      const photo = photos.get(g.photo)!
      const session = new EditSession(photo, [faceOf(g.landmarks5)])
      await session.applyOperation(restoreOperation(negate), { strength: 1, mask: 'facexlib' })
      const out = session.compose()
      const ref = (await decodePhoto(goldenPath(g.paste_of_inverted_crop.replace('goldens/', '')))).image
      const p = psnr(out, ref)
      console.log(`${g.photo} face ${g.face}: PSNR ${p.toFixed(2)} dB vs golden`)
      expect(p).toBeGreaterThanOrEqual(30)
      // The original stays untouched.
      expect(psnr(photo.image, ref)).toBeLessThan(p)
    }
  })

  it('a channel swap would be caught: the inverted face keeps each channel in place', async () => {
    const g = goldens[0]
    const photo = photos.get(g.photo)!
    const face = faceOf(g.landmarks5)
    const r = await restoreFaceCrop(negate, photo.image, face)
    const id = await restoreFaceCrop(identity, photo.image, face)
    let maxErr = 0
    for (let i = 0; i < r.crop.data.length; i++)
      maxErr = Math.max(maxErr, Math.abs(255 - id.crop.data[i] - r.crop.data[i]))
    expect(maxErr).toBeLessThanOrEqual(1)
    // The astronaut photo is strongly coloured, so R and B differ in the crop: a swap would show.
    let rb = 0
    for (let i = 0; i < id.crop.data.length; i += 3) rb += Math.abs(id.crop.data[i] - id.crop.data[i + 2])
    expect(rb / (id.crop.data.length / 3)).toBeGreaterThan(5)
  })

  it('identity graph leaves every golden photo within 40 dB (strength 1 and default 0.8)', async () => {
    for (const [name, photo] of photos) {
      const faces = goldens.filter((g) => g.photo === name).map((g) => faceOf(g.landmarks5))
      for (const strength of [1, undefined]) {
        const { session, report } = await restorePhoto({ restorer: identity }, photo, { faceList: faces, strength })
        expect(report.faces.every((f) => f.restored)).toBe(true)
        const p = psnr(session.compose(), photo.image)
        console.log(`identity ${name} strength ${strength ?? 'default'}: PSNR ${p.toFixed(2)} dB`)
        expect(p).toBeGreaterThanOrEqual(40)
      }
    }
  })

  it('fidelity reaches a CodeFormer-like graph as float64 [1]; a plain export reports fixed fidelity', async () => {
    const cf = await loadStandIn(codeformerLike(), restorerEntry('test-codeformer', 'codeformer', 512, true))
    try {
      expect(restorerSpec(cf).fidelityInput).toBe('weight')
      const photo = photos.get('photos/astronaut_512.png')!
      const face = faceOf(goldens[0].landmarks5)
      const r = await restoreFaceCrop(cf, photo.image, face, { fidelity: 0.25 })
      expect(r.fidelity).toBe(0.25)
      const w = cf.session.feeds.at(-1)!.weight
      expect(w.type).toBe('float64')
      expect(Array.from(w.data as Float64Array)).toEqual([0.25])
      expect(w.dims).toEqual([1])
      // output = input * 0 at w = 0: a flat mid-grey face.
      const flat = await restoreFaceCrop(cf, photo.image, face, { fidelity: 0 })
      expect(new Set(flat.crop.data).size).toBeLessThanOrEqual(2)
      await expect(restoreFaceCrop(cf, photo.image, face, { fidelity: 1.5 })).rejects.toMatchObject({
        code: 'INVALID_REQUEST'
      })
      const plain = await restoreFaceCrop(identity, photo.image, face, { fidelity: 0.3 })
      expect(plain.fidelity).toBe('fixed')
    } finally {
      await cf.session.dispose()
    }
  })

  it('a grayscale photo stays grayscale, even with colour transfer and a tinting model', async () => {
    const gray = await decodePhoto(photoPath('camera_gray8_512.png'))
    expect(gray.grayscale).toBe(true)
    // A face-like placement on the camera photo (the detector finds the profile hard; the caller supplies it).
    const face = faceOf([
      [230, 110],
      [262, 112],
      [250, 135],
      [232, 155],
      [258, 156]
    ])
    const cf = await loadStandIn(codeformerLike(), restorerEntry('test-codeformer2', 'codeformer', 512, true))
    try {
      for (const model of [identity, negate, cf]) {
        const { session } = await restorePhoto({ restorer: model }, gray, {
          faceList: [face],
          strength: 1,
          colorTransfer: true,
          fidelity: 0.7,
          upscale: 2
        })
        const out = session.compose()
        expect(out.width).toBe(1024)
        expect(isGrayscaleImage(out, 0)).toBe(true)
      }
    } finally {
      await cf.session.dispose()
    }
  })

  it('colour transfer pulls a restored face back to the photo tone', async () => {
    const photo = photos.get('photos/astronaut_512.png')!
    const face = faceOf(goldens[0].landmarks5)
    const plain = await restoreFaceCrop(negate, photo.image, face)
    const matched = await restoreFaceCrop(negate, photo.image, face, { colorTransfer: true })
    const orig = await restoreFaceCrop(identity, photo.image, face)
    // Measured where the transfer measures skin: the central face area of the crop.
    const mask = skinMask(512)
    const mean = (img: RgbImage, c: number): number => {
      let s = 0
      let n = 0
      for (let i = 0; i < mask.length; i++) {
        if (!mask[i]) continue
        s += img.data[i * 3 + c]
        n++
      }
      return s / n
    }
    for (let c = 0; c < 3; c++) {
      expect(Math.abs(mean(matched.crop, c) - mean(orig.crop, c))).toBeLessThan(5)
      expect(Math.abs(mean(plain.crop, c) - mean(orig.crop, c))).toBeGreaterThan(20)
    }
  })
})
