import type { RgbImage } from '../image/types'
import type { ProviderId } from '../runtime/types'
import type { ProgressSink } from './progress'

export interface PhotoOpContext {
  signal?: AbortSignal
  /** The photo is grayscale: a result that is not meant to colour it must stay gray. */
  grayscale: boolean
  onProgress?: ProgressSink
}

export interface PhotoOpResult {
  /** The whole photo after the edit, same size as the input. */
  image: RgbImage
  /** Milliseconds per step. */
  timings: Record<string, number>
  /** Whether the result is gray; default: as its input was (a coloriser says false). */
  grayscale?: boolean
  /** Parameters as they actually applied; merged into the layer's params. */
  applied?: Record<string, unknown>
}

/**
 * One per-photo edit (repair, colour, ...): the edit session runs it on the current base image and keeps the result
 * as the new base, under the face layers. Implementations only produce the image; history and export are the
 * session's job.
 */
export interface PhotoOperation {
  readonly op: string
  /** Manifest id (or file name) of the model, for the layer and the provenance note. */
  readonly model: string
  readonly params: Readonly<Record<string, unknown>>
  readonly provider?: ProviderId
  runPhoto(img: RgbImage, ctx: PhotoOpContext): Promise<PhotoOpResult>
}
