import { describe, expect, it } from 'vitest'
import type { TensorData } from '../../src/main/core/runtime/types'
import { decodeYunet } from '../../src/main/core/stages/detect/yunet-decode'
import { decodeScrfd } from '../../src/main/core/stages/detect/scrfd-decode'
import { decodeUltraface } from '../../src/main/core/stages/detect/ultraface-decode'
import {
  decodeFaceMesh,
  FACEMESH_LEFT_EYE,
  FACEMESH_RIGHT_EYE
} from '../../src/main/core/stages/detect/facemesh-decode'
import { HeirloomError } from '../../src/main/core/errors'

const t = (data: Float32Array, dims: number[]): TensorData => ({ type: 'float32', data, dims })

/** Empty YuNet outputs for a W x H input. */
function yunetOutputs(w: number, h: number): Record<string, TensorData> {
  const out: Record<string, TensorData> = {}
  for (const s of [8, 16, 32]) {
    const n = (w / s) * (h / s)
    out[`cls_${s}`] = t(new Float32Array(n), [1, n, 1])
    out[`obj_${s}`] = t(new Float32Array(n), [1, n, 1])
    out[`bbox_${s}`] = t(new Float32Array(n * 4), [1, n, 4])
    out[`kps_${s}`] = t(new Float32Array(n * 10), [1, n, 10])
  }
  return out
}

describe('decodeYunet', () => {
  it('decodes one cell of stride 16 into input pixels with sqrt(cls*obj) scores', () => {
    const out = yunetOutputs(64, 32)
    // stride 16: 4 cols x 2 rows; cell (row 1, col 2) -> index 6
    const i = 6
    ;(out.cls_16.data as Float32Array)[i] = 0.81
    ;(out.obj_16.data as Float32Array)[i] = 1.2 // clamped to 1
    ;(out.bbox_16.data as Float32Array).set([0.5, 0.25, Math.log(2), Math.log(3)], i * 4)
    ;(out.kps_16.data as Float32Array).set([0, 0, 1, 0, 0.5, 0.5, 0, 1, 1, 1], i * 10)
    const d = decodeYunet(out, 64, 32, 0.6)
    expect(d).toHaveLength(1)
    expect(d[0].score).toBeCloseTo(0.9, 6)
    // cx = (2 + 0.5) * 16 = 40, cy = (1 + 0.25) * 16 = 20, w = 32, h = 48
    expect(d[0].box).toEqual([24, -4, 32, 48].map((v) => expect.closeTo(v, 5)))
    expect(d[0].landmarks).toEqual([
      [32, 16],
      [48, 16],
      [40, 24],
      [32, 32],
      [48, 32]
    ])
  })

  it('drops cells under the threshold and rejects outputs of the wrong size', () => {
    const out = yunetOutputs(32, 32)
    ;(out.cls_8.data as Float32Array)[0] = 0.5
    ;(out.obj_8.data as Float32Array)[0] = 0.5 // score 0.5
    expect(decodeYunet(out, 32, 32, 0.6)).toHaveLength(0)
    expect(decodeYunet(out, 32, 32, 0.4)).toHaveLength(1)
    expect(() => decodeYunet(out, 64, 64, 0.6)).toThrow(HeirloomError)
    delete out.kps_32
    expect(() => decodeYunet(out, 32, 32, 0.6)).toThrow(/kps_32/)
  })
})

describe('decodeScrfd', () => {
  it('groups outputs by shape, decodes distances x stride from anchor centres without offset', () => {
    const W = 64
    const H = 64
    const out: Record<string, TensorData> = {}
    let name = 400
    const rows = (s: number): number => (W / s) * (H / s) * 2
    for (const s of [8, 16, 32]) out[String(name++)] = t(new Float32Array(rows(s)), [rows(s), 1])
    for (const s of [8, 16, 32]) out[String(name++)] = t(new Float32Array(rows(s) * 4), [rows(s), 4])
    for (const s of [8, 16, 32]) out[String(name++)] = t(new Float32Array(rows(s) * 10), [rows(s), 10])
    // stride 16 (outputs 401 / 404 / 407): cell (row 1, col 2) anchor 1 -> row index (1*4+2)*2+1 = 13
    ;(out['401'].data as Float32Array)[13] = 0.9
    ;(out['404'].data as Float32Array).set([1, 0.5, 1, 1.5], 13 * 4)
    ;(out['407'].data as Float32Array).set([0, 0, 0.1, 0, 0.2, 0.1, 0.3, 0.2, 0.4, 0.2], 13 * 10)
    const d = decodeScrfd(out, W, H, 0.5)
    expect(d).toHaveLength(1)
    expect(d[0].score).toBeCloseTo(0.9, 6)
    expect(d[0].box.map((v) => +v.toFixed(4))).toEqual([16, 8, 32, 32])
    expect(d[0].landmarks!.map((p) => p.map((v) => +v.toFixed(4)))).toEqual([
      [32, 16],
      [33.6, 16],
      [35.2, 17.6],
      [36.8, 19.2],
      [38.4, 19.2]
    ])
  })

  it('names the missing stride when the layout does not match the input size', () => {
    const out = { a: t(new Float32Array(10), [10, 1]) }
    expect(() => decodeScrfd(out, 64, 64, 0.5)).toThrow(/stride 8/)
  })
})

describe('decodeUltraface', () => {
  it('scales normalised corners to the image and keeps column 1 as the face score', () => {
    const scores = new Float32Array([0.9, 0.1, 0.2, 0.8])
    const boxes = new Float32Array([0, 0, 1, 1, 0.25, 0.5, 0.75, 1])
    const d = decodeUltraface({ scores: t(scores, [1, 2, 2]), boxes: t(boxes, [1, 2, 4]) }, 400, 200, 0.7)
    expect(d).toEqual([{ box: [100, 100, 200, 100], score: expect.closeTo(0.8, 6) }])
  })
})

describe('decodeFaceMesh', () => {
  it('averages the eye contours and picks nose tip 1 and mouth corners 61 / 291', () => {
    const lm = new Float32Array(468 * 3)
    for (const i of FACEMESH_RIGHT_EYE) lm.set([0.3, 0.4], 3 * i)
    for (const i of FACEMESH_LEFT_EYE) lm.set([0.7, 0.4], 3 * i)
    lm[3 * 33] = 0.2 // one contour point off: the mean moves by 0.1/16
    lm.set([0.5, 0.6], 3)
    lm.set([0.35, 0.75], 61 * 3)
    lm.set([0.65, 0.75], 291 * 3)
    const r = decodeFaceMesh({ face_conf: t(new Float32Array([0.97]), [1]), landmarks: t(lm, [1, 468, 3]) })
    expect(r.confidence).toBeCloseTo(0.97, 6)
    expect(r.landmarks[0][0]).toBeCloseTo(0.3 - 0.1 / 16, 6)
    expect(r.landmarks.slice(1).map((p) => p.map((v) => +v.toFixed(5)))).toEqual([
      [0.7, 0.4],
      [0.5, 0.6],
      [0.35, 0.75],
      [0.65, 0.75]
    ])
    expect(() => decodeFaceMesh({ face_conf: t(new Float32Array([1]), [1]) })).toThrow(HeirloomError)
  })
})
