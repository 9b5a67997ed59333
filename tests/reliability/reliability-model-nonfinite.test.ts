import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Face, Landmarks5 } from '../../src/shared/faces'
import { boxOfPoints } from '../../src/main/core/geometry/boxes'
import { decodePhoto } from '../../src/main/core/image/decode'
import { EditSession } from '../../src/main/core/pipeline/edit-session'
import { restoreOperation } from '../../src/main/core/pipeline/restore-operation'
import { assertFinite } from '../../src/main/core/runtime/finite'
import { unaryModel } from '../fixtures/model-graphs'
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
