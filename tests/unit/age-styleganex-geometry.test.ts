import { describe, expect, it } from 'vitest'
import type { Landmarks5 } from '../../src/shared/faces'
import { applyAffine } from '../../src/main/core/geometry/affine'
import { templatePoints } from '../../src/main/core/geometry/templates'
import { scaleLandmarksAboutNose, styleganexAffines } from '../../src/main/core/stages/age/styleganex-geometry'

const lm: Landmarks5 = [
  [410, 520],
  [530, 515],
  [470, 590],
  [425, 650],
  [520, 648]
]

describe('age StyleGANEX geometry', () => {
  it('scales landmarks about the nose tip', () => {
    const s = scaleLandmarksAboutNose(lm, 0.875)
    expect(s[2]).toEqual(lm[2])
    expect(s[0][0]).toBeCloseTo(470 + (410 - 470) * 0.875, 9)
    expect(s[4][1]).toBeCloseTo(590 + (648 - 590) * 0.875, 9)
  })

  it('maps the scaled landmarks onto the styleganex_384 template and the output transform is xS/384', () => {
    const a = styleganexAffines(lm, 1024)
    // FaceFusion's export gives 4x the 384 crop (StyleGANEX psp.forward): the default output size is 1536
    const real = styleganexAffines(lm)
    expect(applyAffine(real.output, lm[0])[0]).toBeCloseTo((applyAffine(real.background, lm[0])[0] * 1536) / 384, 6)
    const scaled = scaleLandmarksAboutNose(lm, 0.875)
    const tpl = templatePoints('styleganex_384', 384)
    // the nose is a fixed point of the scaling, so it lands on the template nose (least-squares fit: ~1 px)
    const nose = applyAffine(a.background, scaled[2])
    expect(Math.hypot(nose[0] - tpl[2][0], nose[1] - tpl[2][1])).toBeLessThan(6)
    for (let i = 0; i < 5; i++) {
      const p384 = applyAffine(a.background, lm[i])
      const p1024 = applyAffine(a.output, lm[i])
      expect(p1024[0]).toBeCloseTo((p384[0] * 1024) / 384, 6)
      expect(p1024[1]).toBeCloseTo((p384[1] * 1024) / 384, 6)
    }
    // the 256 target crop uses the ffhq template
    const t = templatePoints('ffhq_512', 256)
    const eye = applyAffine(a.target, lm[0])
    expect(Math.hypot(eye[0] - t[0][0], eye[1] - t[0][1])).toBeLessThan(6)
  })
})
