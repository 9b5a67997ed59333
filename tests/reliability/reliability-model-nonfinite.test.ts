import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Face, Landmarks5 } from '../../src/shared/faces'
import { boxOfPoints } from '../../src/main/core/geometry/boxes'
import { decodePhoto } from '../../src/main/core/image/decode'
import { EditSession } from '../../src/main/core/pipeline/edit-session'
import { restoreOperation } from '../../src/main/core/operations/restore/face-operation'
import { assertFinite } from '../../src/main/core/runtime/finite'
import { unaryModel } from '../fixtures/model-graphs'
import { encodeModel, f32 } from '../fixtures/onnx-writer'
import { restorePhoto } from '../../src/main/core/pipeline/restore-photo'
import { describeShared, photoPath } from '../helpers/shared-assets'
import { loadStandIn, restorerEntry } from '../integration/restore-models'

/** Issue 12 item 5: a model that outputs NaN/Inf fails that face with MODEL_FAILED and a hint; nothing is pasted. */

describe('assertFinite', () => {
  it('passes finite data and names the count and the way out otherwise', () => {
    expect(() => assertFinite(Float32Array.of(0, 1, -1e30), 'x')).not.toThrow()
    expect(() => assertFinite(Float32Array.of(0, Number.NaN, Infinity, -Infinity), 'Restorer "m"')).toThrow(
      expect.objectContaining({ code: 'MODEL_FAILED', message: expect.stringMatching(/3 non-finite .*CPU .*fp32/s) })
    )
  })
})

describeShared('a restorer whose output is NaN/Inf (a Log graph on [-1,1] input, like fp16 overflow)', () => {
  let nan: Awaited<ReturnType<typeof loadStandIn>>
  beforeAll(async () => {
    // Log(x) is NaN for x < 0 and -Inf for x = 0: most of a face crop mapped to [-1,1].
    nan = await loadStandIn(unaryModel('Log', [1, 3, 512, 512]), restorerEntry('test-nan'))
  })
  afterAll(async () => {
    await nan?.session.dispose()
  })

  it('fails the face with MODEL_FAILED and a hint; nothing is pasted into the photo', async () => {
    const photo = await decodePhoto(photoPath('old_scratched_boy_256x256.png'))
    const landmarks: Landmarks5 = [
      [98, 118],
      [158, 118],
      [128, 150],
      [104, 182],
      [152, 182]
    ]
    const face: Face = { box: boxOfPoints(landmarks), score: 1, landmarks, source: 'user' }
    const session = new EditSession(photo, [face])
    const before = Buffer.from(session.compose().data)
    await expect(session.applyOperation(restoreOperation(nan), { strength: 1 })).rejects.toMatchObject({
      code: 'MODEL_FAILED',
      message: expect.stringMatching(/non-finite.*(NaN\/Inf).*CPU provider or an fp32/s)
    })
    expect(Buffer.from(session.compose().data).equals(before)).toBe(true)
  })
})

/**
 * NaN only for a dark crop: output = input + 0 * Log(mean(input) - t), and Log of a negative number is NaN. A face
 * darker than t gets an all-NaN output, a brighter one the input back.
 */
function nanWhenDark(t: number): Uint8Array {
  return encodeModel({
    name: 'nan_when_dark',
    inputs: [f32('input', [1, 3, 512, 512])],
    outputs: [f32('output', [1, 3, 512, 512])],
    initializers: [
      { name: 't', type: 'float32', dims: [], data: Float32Array.of(t) },
      { name: 'zero', type: 'float32', dims: [], data: Float32Array.of(0) }
    ],
    nodes: [
      { op: 'ReduceMean', inputs: ['input'], outputs: ['mean'], attrs: { keepdims: 1 } },
      { op: 'Sub', inputs: ['mean', 't'], outputs: ['shifted'] },
      { op: 'Log', inputs: ['shifted'], outputs: ['log'] },
      { op: 'Mul', inputs: ['log', 'zero'], outputs: ['nothing'] },
      { op: 'Add', inputs: ['input', 'nothing'], outputs: ['output'] }
    ]
  })
}

describeShared('one face with an unusable output in a photo of two', () => {
  let model: Awaited<ReturnType<typeof loadStandIn>>
  beforeAll(async () => {
    model = await loadStandIn(nanWhenDark(-0.5), restorerEntry('test-nan-dark'))
  })
  afterAll(async () => {
    await model?.session.dispose()
  })

  it('that face fails with MODEL_FAILED and stays as it was; the other face is restored; the report says which', async () => {
    const photo = await decodePhoto(photoPath('old_scratched_boy_256x256.png'))
    // Two copies of the face side by side, the right one darkened so its crop's mean falls below t.
    const { width, height, data } = photo.image
    const wide = new Uint8Array(width * 2 * height * 3)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width * 2; x++) {
        for (let c = 0; c < 3; c++) {
          const v = data[(y * width + (x % width)) * 3 + c]
          wide[(y * width * 2 + x) * 3 + c] = x < width ? v : Math.round(v * 0.1)
        }
      }
    }
    const two = { ...photo, image: { width: width * 2, height, data: wide } }
    const base: Landmarks5 = [
      [98, 118],
      [158, 118],
      [128, 150],
      [104, 182],
      [152, 182]
    ]
    const faces: Face[] = [0, width].map((dx) => {
      const landmarks = base.map(([x, y]) => [x + dx, y]) as unknown as Landmarks5
      return { box: boxOfPoints(landmarks), score: 1, landmarks, source: 'user' as const }
    })
    const { session, report } = await restorePhoto({ restorer: model }, two, { faceList: faces, strength: 1 })
    expect(report.faces.map((f) => f.restored)).toEqual([true, false])
    expect(report.faces[1].failed).toMatchObject({ code: 'MODEL_FAILED', message: expect.stringMatching(/non-finite/) })
    expect(report.notes?.[0]).toMatch(/^face 1 was left as it was: .*non-finite/)
    // The dark face's pixels are exactly the photo's: nothing of the NaN output was pasted.
    const out = session.compose()
    const [bx, by, bw, bh] = faces[1].box.map(Math.round)
    for (let y = by; y < by + bh; y += 7) {
      for (let x = bx; x < bx + bw; x += 7) {
        const i = (y * width * 2 + x) * 3
        expect(out.data[i]).toBe(wide[i])
      }
    }
  })
})
