import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeModel, type InitSpec, type NodeSpec, type ValueSpec } from '../fixtures/onnx-writer'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import type { ModelSession } from '../../src/main/core/runtime/types'
import { scrfdFamily } from '../../src/main/core/stages/detect/scrfd'
import type { RgbImage } from '../../src/main/core/image/types'

/**
 * Stand-in for an InsightFace SCRFD export (weights are non-commercial and not downloadable here): fixed input
 * [1,3,64,64], 9 outputs named like real exports (node numbers), constant values placing known faces.
 */
function scrfdStandIn(): Uint8Array {
  const S = 64
  const rows = (s: number): number => (S / s) * (S / s) * 2
  const strides = [8, 16, 32]
  const scores = strides.map((s) => new Float32Array(rows(s)))
  const boxes = strides.map((s) => new Float32Array(rows(s) * 4))
  const kps = strides.map((s) => new Float32Array(rows(s) * 10))
  // Face A, stride 16, cell (row 1, col 2), anchor 1: centre (32,16); box 16..48 x 8..40.
  scores[1][13] = 0.9
  boxes[1].set([1, 0.5, 1, 1.5], 13 * 4)
  kps[1].set([-0.5, 0, 0.5, 0, 0, 0.5, -0.4, 1, 0.4, 1], 13 * 10)
  // Same face seen at stride 32 with a lower score: NMS must drop it. Cell (0,1) anchor 0: centre (32,0).
  scores[2][2] = 0.7
  boxes[2].set([0.5, -0.25, 0.5, 1.25], 2 * 4)
  // Face B, stride 8, cell (row 6, col 1), anchor 0: centre (8,48); box 4..12 x 44..52.
  scores[0][(6 * 8 + 1) * 2] = 0.8
  boxes[0].set([0.5, 0.5, 0.5, 0.5], (6 * 8 + 1) * 2 * 4)
  // Below threshold everywhere else, one decoy at 0.3.
  scores[0][0] = 0.3
  const inits: InitSpec[] = []
  const nodes: NodeSpec[] = []
  const outputs: ValueSpec[] = []
  let n = 448
  const add = (data: Float32Array, width: number): void => {
    const name = String(n++)
    inits.push({ name: `c${name}`, type: 'float32', dims: [data.length / width, width], data })
    nodes.push({ op: 'Identity', inputs: [`c${name}`], outputs: [name] })
    outputs.push({ name, type: 'float32', dims: [data.length / width, width] })
  }
  scores.forEach((d) => add(d, 1))
  boxes.forEach((d) => add(d, 4))
  kps.forEach((d) => add(d, 10))
  return encodeModel({
    name: 'scrfd_standin',
    inputs: [{ name: 'input.1', type: 'float32', dims: [1, 3, S, S] }],
    outputs,
    nodes,
    initializers: inits
  })
}

describe('SCRFD family on a 9-output stand-in graph', () => {
  let session: ModelSession
  beforeAll(async () => {
    session = await openSession(scrfdStandIn(), { provider: 'cpu' })
  })
  afterAll(async () => session?.dispose())

  const grey = (w: number, h: number): RgbImage => ({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(128) })

  it('decodes both faces, suppresses the duplicate, and maps through the letterbox scale', async () => {
    expect(scrfdFamily.tileSide(session)).toBe(64)
    const same = await scrfdFamily.detect(session, grey(64, 64), { minScore: 0.5, nmsIou: 0.4 })
    expect(same.map((d) => d.score.toFixed(2))).toEqual(['0.90', '0.80'])
    expect(same[0].box).toEqual([16, 8, 32, 32])
    expect(same[0].landmarks).toEqual(
      [
        [24, 16],
        [40, 16],
        [32, 24],
        [25.6, 32],
        [38.4, 32]
      ].map((p) => p.map((v) => expect.closeTo(v, 4)))
    )
    expect(same[1].box).toEqual([4, 44, 8, 8])
    // A 128x96 image is letterboxed at scale 0.5 into the 64x64 input: coordinates double.
    const big = await scrfdFamily.detect(session, grey(128, 96), { minScore: 0.5, nmsIou: 0.4 })
    expect(big[0].box).toEqual([32, 16, 64, 64])
    expect(big[0].landmarks![0]).toEqual([48, 32])
  })

  it('honours the score threshold', async () => {
    const all = await scrfdFamily.detect(session, grey(64, 64), { minScore: 0.25, nmsIou: 0.4 })
    expect(all).toHaveLength(3)
    expect(await scrfdFamily.detect(session, grey(64, 64), { minScore: 0.85, nmsIou: 0.4 })).toHaveLength(1)
  })
})
