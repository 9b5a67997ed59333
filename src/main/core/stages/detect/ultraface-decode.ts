import { HeirloomError } from '../../errors'
import type { TensorData } from '../../runtime/types'
import type { RawDetection } from './types'

/**
 * Decodes UltraFace (`scores` [1,N,2] softmaxed, column 1 = face; `boxes` [1,N,4] normalised x1,y1,x2,y2) into pixels
 * of an image of `width` x `height` (the input was a stretch resize, so x and y scale separately).
 */
export function decodeUltraface(
  outputs: Readonly<Record<string, TensorData>>,
  width: number,
  height: number,
  minScore: number
): RawDetection[] {
  const scores = outputs.scores?.data
  const boxes = outputs.boxes?.data
  if (!(scores instanceof Float32Array) || !(boxes instanceof Float32Array) || scores.length * 2 !== boxes.length) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      'UltraFace outputs "scores" [1,N,2] and "boxes" [1,N,4] (float32) expected.'
    )
  }
  const found: RawDetection[] = []
  const n = scores.length / 2
  for (let i = 0; i < n; i++) {
    const score = scores[2 * i + 1]
    if (score < minScore) continue
    const x1 = boxes[4 * i] * width
    const y1 = boxes[4 * i + 1] * height
    const x2 = boxes[4 * i + 2] * width
    const y2 = boxes[4 * i + 3] * height
    found.push({ box: [x1, y1, x2 - x1, y2 - y1], score })
  }
  return found
}
