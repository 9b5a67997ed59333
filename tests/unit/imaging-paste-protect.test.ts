import { describe, expect, it } from 'vitest'
import type { BoxXYWH } from '../../src/shared/faces'
import type { Affine } from '../../src/main/core/geometry/types'
import type { RgbImage } from '../../src/main/core/image/types'
import { pasteBack } from '../../src/main/core/warp/paste'

const gray = (w: number, h: number, v: number): RgbImage => ({
  width: w,
  height: h,
  data: new Uint8Array(w * h * 3).fill(v)
})
const at = (img: RgbImage, x: number, y: number): number => img.data[(y * img.width + x) * 3]

describe('pasteBack protect: other faces stay untouched', () => {
  // A 64 px white crop scaled x2.5 over most of a 200x100 gray photo (target -> crop: x/2.5 - 4).
  const m: Affine = [0.4, 0, -4, 0, 0.4, 4]
  const neighbour: BoxXYWH = [120, 20, 60, 60]

  it.each(['feather', 'facexlib'] as const)(
    '%s mask: the neighbour core keeps its exact pixels, the rest is pasted',
    (mask) => {
      const plain = gray(200, 100, 100)
      pasteBack(plain, gray(64, 64, 255), m, { mask })
      const guarded = gray(200, 100, 100)
      pasteBack(guarded, gray(64, 64, 255), m, { mask, protect: [neighbour] })
      // The paste reaches into the neighbour's box without protection...
      expect(at(plain, 150, 50)).toBeGreaterThan(200)
      // ...and with it, the core (box shrunk by 10 % per side) is bit-identical to the original.
      for (let y = 26; y < 74; y++) for (let x = 126; x < 174; x++) expect(at(guarded, x, y)).toBe(100)
      // Away from the neighbour the paste is unchanged.
      for (const [x, y] of [
        [60, 50],
        [40, 30],
        [90, 60]
      ])
        expect(at(guarded, x, y)).toBe(at(plain, x, y))
      // The edge ramps, no step: between the core and one ramp away the value lies between the two.
      const mid = at(guarded, 122, 50)
      expect(mid).toBeGreaterThan(100)
      expect(mid).toBeLessThan(at(plain, 122, 50))
    }
  )
})
