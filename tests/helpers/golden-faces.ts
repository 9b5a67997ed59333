import { readFileSync } from 'node:fs'
import type { Face, Landmarks5 } from '../../src/shared/faces'
import { boxOfPoints } from '../../src/main/core/geometry/boxes'
import { sharedPath } from './shared-assets'

/**
 * The faces of a shared photo from the OpenCV goldens' 5-point landmarks (box = their bounds, score 1), so tests
 * of later stages do not depend on the detector. `source` is set only when given.
 */
export function goldenFaces(photo: string, source?: Face['source']): Face[] {
  const idx = JSON.parse(readFileSync(sharedPath('goldens', 'index.json'), 'utf8')) as {
    photo: string
    landmarks5: number[][]
  }[]
  return idx
    .filter((g) => g.photo === `photos/${photo}`)
    .map((g) => {
      const landmarks = g.landmarks5.map((p) => [p[0], p[1]]) as Landmarks5
      return { box: boxOfPoints(landmarks), score: 1, landmarks, ...(source ? { source } : {}) }
    })
}
