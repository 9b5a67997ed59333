import type { BoxXYWH, Face } from '../../../../shared/faces'
import type { Engine, ModelRef } from '../../engine'
import { HeirloomError } from '../../errors'
import { iou } from '../../geometry/boxes'
import type { RgbImage } from '../../image/types'
import { faceMeshOnBox } from './facemesh'
import { detectorFamily } from './families'
import { DEFAULT_DETECTOR, DEFAULT_LANDMARK_MODEL, type DetectRefs } from './detect-faces'
import { unscaleDetection } from './letterbox'
import { padCrop } from './pad-crop'

/** Detections inside the padded crop must overlap the drawn box at least this much to count as "the" face. */
const MIN_OVERLAP = 0.2

const asRef = (r: string | ModelRef): ModelRef => (typeof r === 'string' ? { id: r } : r)

/**
 * Landmarks for a box the user drew where the detector found nothing: first the detector on a padded crop of the box
 * (a low threshold, since the user says there is a face), then the landmark model on the box. Returns a Face with
 * source 'user' and the user's box; NO_FACE when neither model can place landmarks.
 */
export async function landmarksForBox(
  engine: Engine,
  img: RgbImage,
  box: BoxXYWH,
  refs: DetectRefs & { signal?: AbortSignal } = {}
): Promise<Face> {
  if (!box.every(Number.isFinite) || box[2] < 2 || box[3] < 2) {
    throw new HeirloomError('INVALID_REQUEST', `Face box must be finite and at least 2x2 px (got ${box.join(', ')}).`)
  }
  const detRef = asRef(refs.detector ?? DEFAULT_DETECTOR)
  const model = await engine.openModel(detRef)
  const family = detectorFamily(model.entry.family, 'id' in detRef ? detRef.id : detRef.file)
  if (family.hasLandmarks) {
    const { crop, offsetX, offsetY } = padCrop(img, box, 0.5)
    const found = await family.detect(model.session, crop, { minScore: 0.3, nmsIou: 0.3, signal: refs.signal })
    const best = found
      .map((d) => unscaleDetection(d, 1, 1, offsetX, offsetY))
      .map((d) => ({ d, overlap: iou(d.box, box) }))
      .filter((x) => x.overlap >= MIN_OVERLAP && x.d.landmarks)
      .sort((a, b) => b.d.score - a.d.score)[0]
    if (best?.d.landmarks) return { box, score: best.d.score, landmarks: best.d.landmarks, source: 'user' }
  }
  const meshRef = asRef(refs.landmarkModel ?? DEFAULT_LANDMARK_MODEL)
  if ('id' in meshRef && !engine.store.isInstalled(meshRef.id) && family.hasLandmarks) {
    throw new HeirloomError(
      'NO_FACE',
      'No face found in the drawn box (the landmark model is not installed to try harder).'
    )
  }
  const mesh = await engine.openModel(meshRef)
  const fm = await faceMeshOnBox(mesh.session, img, box, 0, refs.signal)
  return { box, score: fm.confidence, landmarks: fm.landmarks, source: 'user' }
}
