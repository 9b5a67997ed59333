import { HeirloomError, throwIfAborted } from '../errors'
import type { Face } from '../geometry/types'
import type { DecodedPhoto, RgbImage } from '../image/types'
import type { ProgressSink } from './progress'

/** Finds the faces of a photo (a detector bound to its engine). */
export type FaceFinder = (img: RgbImage, signal?: AbortSignal) => Promise<{ faces: Face[]; detector: string }>

/**
 * The faces a photo job works on: the caller's list (boxes the user drew or adjusted) or the detector's.
 * NO_FACE when there are none, so every photo-level operation fails the same way.
 */
export async function resolveFaces(
  findFaces: FaceFinder | undefined,
  photo: DecodedPhoto,
  opts: { faceList?: readonly Face[]; signal?: AbortSignal; onProgress?: ProgressSink }
): Promise<{ faces: readonly Face[]; detector?: string }> {
  let faces: readonly Face[]
  let detector: string | undefined
  if (opts.faceList) {
    faces = opts.faceList.map((f) => ({ ...f, source: f.source ?? 'user' }))
  } else {
    if (!findFaces) throw new HeirloomError('INVALID_REQUEST', 'No faces were given and no detector is available.')
    opts.onProgress?.({ stage: 'detect' })
    const found = await findFaces(photo.image, opts.signal)
    faces = found.faces
    detector = found.detector
  }
  throwIfAborted(opts.signal)
  if (faces.length === 0) throw new HeirloomError('NO_FACE', 'No face was found in the photo.')
  return { faces, detector }
}
