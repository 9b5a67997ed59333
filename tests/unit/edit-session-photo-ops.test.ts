import { describe, expect, it } from 'vitest'
import type { Face } from '../../src/shared/faces'
import type { DecodedPhoto, RgbImage } from '../../src/main/core/image/types'
import { lanczosBackground, type BackgroundUpscaler } from '../../src/main/core/pipeline/background'
import { EditSession } from '../../src/main/core/pipeline/edit-session'
import type { FaceOperation } from '../../src/main/core/pipeline/face-operation'
import type { PhotoOperation } from '../../src/main/core/pipeline/photo-operation'

const W = 64
const H = 48

function photo(): DecodedPhoto {
  const data = new Uint8Array(W * H * 3)
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 200
  return { image: { width: W, height: H, data }, grayscale: false, format: 'png', bitDepth: 8, metadata: {} }
}

const face: Face = {
  box: [20, 12, 20, 20],
  score: 0.9,
  landmarks: [
    [26, 20],
    [34, 20],
    [30, 24],
    [27, 28],
    [33, 28]
  ]
}

/** Adds `red` to the red channel of the whole photo (a stand-in photo edit). */
function tint(red: number, calls: RgbImage[] = []): PhotoOperation {
  return {
    op: 'tint',
    model: 'none',
    params: { red },
    runPhoto(img) {
      calls.push(img)
      const data = img.data.slice()
      for (let i = 0; i < data.length; i += 3) data[i] = Math.min(255, data[i] + red)
      return Promise.resolve({ image: { width: img.width, height: img.height, data }, timings: {} })
    }
  }
}

/** Fills the face box with one grey (a stand-in face edit). */
const flat: FaceOperation = {
  op: 'flat',
  model: 'none',
  params: {},
  runFace(_img, f) {
    const [x, y, w, h] = f.box
    const crop: RgbImage = { width: w, height: h, data: new Uint8Array(w * h * 3).fill(128) }
    return Promise.resolve({ crop, affine: [1, 0, -x, 0, 1, -y], timings: {} })
  }
}

const px = (img: RgbImage, x: number, y: number): number[] =>
  [0, 1, 2].map((c) => img.data[(y * img.width + x) * 3 + c])

describe('EditSession: per-photo operations (a new base under the face layers)', () => {
  it('a photo edit makes the base, face layers compose on top, history keeps the order as data, undo restores', async () => {
    const p = photo()
    const s = new EditSession(p, [face])
    await s.applyOperation(flat, { strength: 1, mask: 'feather' })
    const inputs: RgbImage[] = []
    await s.applyPhotoOperation(tint(30, inputs))
    // The photo edit saw the base (the original), not the composition with the face layer.
    expect(inputs[0]).toBe(p.image)
    expect(s.steps()).toEqual({
      steps: [
        { op: 'open', faces: [], params: {} },
        { op: 'flat', faces: [0], params: {} },
        { op: 'tint', faces: [], params: { red: 30 } }
      ],
      current: 2
    })
    const out = s.compose()
    expect(px(out, 2, 2)).toEqual([Math.min(255, px(p.image, 2, 2)[0] + 30), ...px(p.image, 2, 2).slice(1)])
    expect(px(out, 30, 22)).toEqual([128, 128, 128]) // the face layer is on top of the tinted base
    expect(s.provenance().operations.map((o) => o.op)).toEqual(['tint', 'flat'])
    expect(s.undo()).toBe(true)
    expect(px(s.compose(), 2, 2)).toEqual(px(p.image, 2, 2))
    expect(s.photoLayers.length).toBe(0)
    // The original is never modified.
    expect(px(p.image, 2, 2)).toEqual(px(photo().image, 2, 2))
  })

  it('face edits after a photo edit run on the new base', async () => {
    const s = new EditSession(photo(), [face])
    await s.applyPhotoOperation(tint(50))
    const seen: RgbImage[] = []
    await s.applyOperation({
      ...flat,
      runFace: (img, f) => (seen.push(img), flat.runFace(img, f, { grayscale: false }))
    })
    expect(seen[0]).toBe(s.photoLayers[0].image)
  })

  it('at an output scale every base is upscaled once, so undo across a photo edit runs no background again', async () => {
    let upscales = 0
    const counting: BackgroundUpscaler = {
      id: 'counting',
      upscale: (img, scale, o) => {
        upscales++
        return lanczosBackground.upscale(img, scale, o)
      }
    }
    const s = new EditSession(photo(), [face])
    await s.applyPhotoOperation(tint(30))
    await s.setOutputScale(2, counting)
    expect(upscales).toBe(2) // the original and the tinted base
    expect(s.compose().width).toBe(W * 2)
    s.undo()
    expect(s.compose().width).toBe(W * 2)
    s.redo()
    await s.applyPhotoOperation(tint(10))
    expect(upscales).toBe(3) // only the new base
    s.undo()
    s.undo()
    expect(() => s.compose()).not.toThrow()
    expect(upscales).toBe(3)
  })

  it('all or nothing: a failing or wrong-sized photo edit leaves the session as it was', async () => {
    const s = new EditSession(photo(), [face])
    const broken: PhotoOperation = { ...tint(1), runPhoto: () => Promise.reject(new Error('boom')) }
    await expect(s.applyPhotoOperation(broken)).rejects.toThrow('boom')
    const small: PhotoOperation = {
      ...tint(1),
      runPhoto: () => Promise.resolve({ image: { width: 2, height: 2, data: new Uint8Array(12) }, timings: {} })
    }
    await expect(s.applyPhotoOperation(small)).rejects.toMatchObject({ code: 'MODEL_FAILED' })
    expect([s.steps().steps.length, s.photoLayers.length, s.revision]).toEqual([1, 0, 0])
  })

  it('a photo edit that colours a gray photo lifts the gray rule for what follows; undo brings it back', async () => {
    const gray = photo()
    for (let i = 0; i < gray.image.data.length; i += 3)
      gray.image.data[i + 1] = gray.image.data[i + 2] = gray.image.data[i]!
    gray.grayscale = true
    const s = new EditSession(gray, [face])
    const colourise: PhotoOperation = {
      ...tint(60),
      op: 'colourise',
      runPhoto: async (img, ctx) => {
        expect(ctx.grayscale).toBe(true)
        const r = await tint(60).runPhoto(img, ctx)
        return { ...r, grayscale: false }
      }
    }
    await s.applyPhotoOperation(colourise)
    expect(s.grayscale).toBe(false)
    await s.setOutputScale(2, lanczosBackground)
    const out = s.compose()
    const [r, g] = px(out, 4, 4)
    expect(r).not.toBe(g) // the upscaled colour base was not forced back to gray
    const seen: boolean[] = []
    await s.applyOperation({
      ...flat,
      runFace: (img, f, ctx) => (seen.push(ctx.grayscale), flat.runFace(img, f, ctx))
    })
    expect(seen).toEqual([false])
    s.undo()
    s.undo()
    expect(s.grayscale).toBe(true)
    const [r0, g0, b0] = px(s.compose(), 4, 4)
    expect([r0, g0]).toEqual([b0, b0])
  })

  it('layer ids are opaque and stable: l1, l2, ... never reused after undo', async () => {
    const s = new EditSession(photo(), [face])
    const [a] = await s.applyOperation(flat)
    s.undo()
    const [b] = await s.applyOperation(flat)
    const t = await s.applyPhotoOperation(tint(5))
    expect([a.id, b.id, t.id]).toEqual(['l1', 'l2', 'l3'])
  })

  it("over 'composed': the edit sees base + face layers, which become part of the new base; undo brings them back", async () => {
    const p = photo()
    const s = new EditSession(p, [face])
    await s.applyOperation(flat, { strength: 1, mask: 'feather' })
    const withFace = s.compose()
    const inputs: RgbImage[] = []
    await s.applyPhotoOperation(tint(20, inputs), { over: 'composed' })
    expect(Buffer.from(inputs[0].data).equals(Buffer.from(withFace.data))).toBe(true)
    expect(s.layers).toEqual([])
    // The face is in the base now, tinted like everything else (not pasted gray on top).
    expect(px(s.compose(), 30, 22)).toEqual([148, 128, 128])
    s.undo()
    expect(s.layers.map((l) => l.op)).toEqual(['flat'])
    expect(px(s.compose(), 30, 22)).toEqual([128, 128, 128])
  })

  it('rollback to a mark undoes a compound edit that failed part-way whole, and brings back the redo steps it cut', async () => {
    const s = new EditSession(photo(), [face])
    await s.applyPhotoOperation(tint(10))
    s.undo()
    const mark = s.mark()
    // Nothing recorded since the mark: nothing changes.
    const rev0 = s.revision
    s.rollback(mark)
    expect([s.canRedo, s.revision]).toEqual([true, rev0])
    await s.applyPhotoOperation(tint(20))
    await s.applyOperation(flat, { strength: 1 })
    expect(s.canRedo).toBe(false)
    const rev = s.revision
    s.rollback(mark)
    expect([s.photoLayers.length, s.layers.length, s.canRedo]).toEqual([0, 0, true])
    expect(s.revision).toBeGreaterThan(rev)
    expect(s.steps().steps.map((h) => h.op)).toEqual(['open', 'tint'])
    s.redo()
    expect(s.photoLayers[0].params).toEqual({ red: 10 })
  })
})
