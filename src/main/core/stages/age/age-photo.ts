import { throwIfAborted } from '../../errors'
import type { BoxXYWH, Face } from '../../geometry/types'
import type { RgbImage } from '../../image/types'
import { pasteBack } from '../../warp/paste'
import type { FaceOperation } from '../../pipeline/face-operation'

export interface AgePhotoOptions {
  /** Indices into `faces` to edit; default all. The other faces are left untouched. */
  select?: readonly number[]
  /** 0..1 blend of the aged face over the original (default 1). */
  strength?: number
  /** The photo is grayscale: the aged faces are made gray too. */
  grayscale?: boolean
  signal?: AbortSignal
  onFace?: (done: number, total: number) => void
}

export interface AgePhotoFaceResult {
  index: number
  /** Photo region the paste touched. */
  box: BoxXYWH
  applied: Record<string, unknown>
  timings: Record<string, number>
}

export interface AgePhotoResult {
  image: RgbImage
  faces: AgePhotoFaceResult[]
}

/**
 * Photo-level loop: runs `op` on each chosen face of the ORIGINAL photo (so faces never see each other's edits)
 * and pastes each result into a copy with the shared soft-mask paste. Only the faces' boxes change.
 */
export async function runFaceOperationOnPhoto(
  op: FaceOperation,
  photo: RgbImage,
  faces: readonly Face[],
  opts: AgePhotoOptions = {}
): Promise<AgePhotoResult> {
  const chosen = opts.select ?? faces.map((_, i) => i)
  const image: RgbImage = { width: photo.width, height: photo.height, data: photo.data.slice() }
  const results: AgePhotoFaceResult[] = []
  for (const [n, index] of chosen.entries()) {
    throwIfAborted(opts.signal)
    const face = faces[index]!
    const r = await op.runFace(photo, face, { signal: opts.signal, grayscale: opts.grayscale === true })
    const t0 = performance.now()
    const box = pasteBack(image, r.crop, r.affine, { strength: opts.strength ?? 1, mask: 'feather' })
    results.push({
      index,
      box,
      applied: { ...op.params, ...r.applied },
      timings: { ...r.timings, paste: performance.now() - t0 }
    })
    opts.onFace?.(n + 1, chosen.length)
  }
  return { image, faces: results }
}
