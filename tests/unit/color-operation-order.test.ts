import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createEngine } from '../../src/main/core/engine'
import type { DecodedPhoto, RgbImage } from '../../src/main/core/image/types'
import { getOperation } from '../../src/main/core/operations'
import { colorStepLabel } from '../../src/main/core/operations/color'
import { EditSession } from '../../src/main/core/pipeline/edit-session'
import type { FaceOperation } from '../../src/main/core/pipeline/face-operation'
import type { Face } from '../../src/shared/faces'

const W = 48
const H = 40

function grayPhoto(): DecodedPhoto {
  const data = new Uint8Array(W * H * 3)
  for (let i = 0; i < W * H; i++) data.fill(40 + ((i * 13) % 160), i * 3, i * 3 + 3)
  return { image: { width: W, height: H, data }, grayscale: true, format: 'png', bitDepth: 8, metadata: {} }
}

const face: Face = {
  box: [14, 10, 20, 20],
  score: 0.9,
  landmarks: [
    [20, 17],
    [28, 17],
    [24, 21],
    [21, 25],
    [27, 25]
  ]
}

/** A stand-in face edit under another op's name (an age layer, which the colour edit cannot redo). */
const ageLike: FaceOperation = {
  op: 'age',
  model: 'test-age',
  params: {},
  runFace(_img, f) {
    const [x, y, w, h] = f.box
    const crop: RgbImage = { width: w, height: h, data: new Uint8Array(w * h * 3).fill(90) }
    return Promise.resolve({ crop, affine: [1, 0, -x, 0, 1, -y], timings: {} })
  }
}

describe('colour operation: order with face edits, labels', () => {
  it('colour first under an age layer is refused (face-edits-first) before any model; after restoration is not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-colour-order-'))
    const engine = createEngine({ modelsDir: join(dir, 'models'), provider: 'cpu' })
    try {
      const session = new EditSession(grayPhoto(), [face])
      await session.applyOperation(ageLike, { strength: 1 })
      const color = getOperation('color')
      // ddcolor is not installed here: the refusal comes first, so no model question is asked.
      await expect(color.apply!(engine, session, { fade: 'none', colorize: 'ddcolor' }, {})).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        reason: 'face-edits-first',
        message: /age edits/
      })
      expect(session.steps().steps.map((h) => h.op)).toEqual(['open', 'age'])
      // Fade correction after the face edits (no model): the age layer is baked into the new base, still gray.
      await color.apply!(engine, session, { fade: 'auto', colorizeAfter: true }, {})
      expect([session.layers.length, session.photoLayers.length, session.grayscale]).toEqual([0, 1, true])
      expect(session.steps().steps.at(-1)?.op).toBe('color')
    } finally {
      await engine.dispose()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('labels say what ran', () => {
    const step = (params: Record<string, unknown>, faces: number[] = []) => ({ op: 'color', faces, params })
    expect(colorStepLabel(step({ fade: 'auto' }))).toBe('Colour: fade auto')
    expect(colorStepLabel(step({ fade: 'auto', keepTone: true, strength: 0.5 }))).toBe(
      'Colour: fade auto, keep tone 50 %'
    )
    expect(colorStepLabel(step({ fade: 'none', colorize: 'ddcolor' }))).toBe('Colourise ddcolor (256)')
    expect(colorStepLabel(step({ fade: 'auto', colorize: 'deoldify', renderSize: 384, blend: 0.7 }))).toBe(
      'Colourise deoldify (384) 70 % + fade auto'
    )
    expect(colorStepLabel(step({ fade: 'none', colorize: 'ddcolor' }, [0, 2]))).toBe(
      'Colourise ddcolor (256), faces 1, 3 restored again'
    )
  })
})
