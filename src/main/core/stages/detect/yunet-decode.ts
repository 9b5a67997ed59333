import type { Landmarks5, Point } from '../../../../shared/faces'
import { HeirloomError } from '../../errors'
import type { TensorData } from '../../runtime/types'
import type { RawDetection } from './types'

export const YUNET_STRIDES = [8, 16, 32] as const

function floats(outputs: Readonly<Record<string, TensorData>>, name: string, expected: number): Float32Array {
  const t = outputs[name]
  if (!t) throw new HeirloomError('MODEL_CONTRACT', `YuNet output "${name}" is missing.`)
  if (!(t.data instanceof Float32Array))
    throw new HeirloomError('MODEL_CONTRACT', `YuNet output "${name}" is not float32.`)
  if (t.data.length !== expected) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `YuNet output "${name}" has ${t.data.length} values, expected ${expected}.`
    )
  }
  return t.data
}

/**
 * Decodes YuNet (2023mar layout: cls/obj/bbox/kps per stride, no anchors) into detections in input-tensor pixels.
 * score = sqrt(cls * obj) with both clamped to [0,1], as OpenCV's FaceDetectorYN does. No NMS here.
 */
export function decodeYunet(
  outputs: Readonly<Record<string, TensorData>>,
  inputW: number,
  inputH: number,
  minScore: number
): RawDetection[] {
  const found: RawDetection[] = []
  const minProduct = minScore * minScore
  for (const s of YUNET_STRIDES) {
    const cols = Math.floor(inputW / s)
    const rows = Math.floor(inputH / s)
    const n = cols * rows
    const cls = floats(outputs, `cls_${s}`, n)
    const obj = floats(outputs, `obj_${s}`, n)
    const bbox = floats(outputs, `bbox_${s}`, n * 4)
    const kps = floats(outputs, `kps_${s}`, n * 10)
    for (let i = 0; i < n; i++) {
      const c = Math.min(1, Math.max(0, cls[i]))
      const o = Math.min(1, Math.max(0, obj[i]))
      // Compare the product first: sqrt only for the few cells that pass.
      if (c * o < minProduct) continue
      const row = Math.floor(i / cols)
      const col = i - row * cols
      const b = i * 4
      const cx = (col + bbox[b]) * s
      const cy = (row + bbox[b + 1]) * s
      const w = Math.exp(bbox[b + 2]) * s
      const h = Math.exp(bbox[b + 3]) * s
      const k = i * 10
      const landmarks: Point[] = []
      for (let j = 0; j < 5; j++) landmarks.push([(col + kps[k + 2 * j]) * s, (row + kps[k + 2 * j + 1]) * s])
      found.push({ box: [cx - w / 2, cy - h / 2, w, h], score: Math.sqrt(c * o), landmarks: landmarks as Landmarks5 })
    }
  }
  return found
}
