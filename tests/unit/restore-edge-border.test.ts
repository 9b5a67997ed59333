import { describe, expect, it } from 'vitest'
import type { Landmarks5 } from '../../src/shared/faces'
import { restoreAffine, restoreInputTensor } from '../../src/main/core/stages/restore/preprocess'
import type { RestorerSpec } from '../../src/main/core/stages/restore/contract'

const spec: RestorerSpec = {
  id: 'gfpgan-1.4',
  family: 'gfpgan',
  cropSize: 512,
  template: 'ffhq_512',
  channels: 'RGB',
  layout: 'NCHW',
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
  outputRange: '[-1,1]',
  inputName: 'input',
  outputName: 'output'
}

describe('restorer crop of a face cut by the frame', () => {
  it('replicates the photo border (FaceFusion) instead of filling facexlib grey', () => {
    // A 200x200 photo of one skin tone, the face half outside its left edge.
    const w = 200
    const img = { width: w, height: w, data: new Uint8Array(w * w * 3) }
    for (let i = 0; i < w * w; i++) img.data.set([200, 150, 120], i * 3)
    const lm: Landmarks5 = [
      [-10, 90],
      [30, 90],
      [10, 115],
      [-5, 140],
      [25, 140]
    ]
    const t = restoreInputTensor(img, restoreAffine(lm, spec), spec)
    const plane = 512 * 512
    // Every input value, inside the photo or past its edge, is the skin tone: (v/255 - 0.5) / 0.5.
    for (const [c, v] of [200, 150, 120].entries()) {
      const want = (v / 255 - 0.5) / 0.5
      let worst = 0
      for (let i = 0; i < plane; i++) worst = Math.max(worst, Math.abs(t[c * plane + i] - want))
      expect(worst).toBeLessThan(1e-3)
    }
  })
})
