import type { DecodedPhoto, RgbImage } from '../../image/types'
import type { ProvenanceOp } from '../../image/provenance'
import { formatFromPath, type OutputFormat } from '../../image/encode'
import { savePhoto } from '../../image/write'
import { toGrayscaleInPlace } from '../../image/gray'

export interface SaveCropOptions {
  /** The decoded original: its metadata (EXIF/ICC/XMP) is carried over and its path protected from overwrite. */
  source: DecodedPhoto
  /** What was done, recorded in the provenance note. */
  operation: ProvenanceOp
  format?: OutputFormat
  quality?: number
  overwrite?: boolean
  software?: string
}

/** Writes a crop as PNG/JPEG/... keeping the original's metadata plus a provenance note; grayscale stays grayscale. */
export async function saveCrop(path: string, crop: RgbImage, opts: SaveCropOptions): Promise<void> {
  if (opts.source.grayscale) toGrayscaleInPlace(crop)
  await savePhoto(path, crop, {
    format: opts.format ?? formatFromPath(path),
    quality: opts.quality,
    grayscale: opts.source.grayscale,
    metadata: opts.source.metadata,
    keepMetadata: true,
    provenance: { software: opts.software ?? 'Heirloom', operations: [opts.operation] },
    overwrite: opts.overwrite,
    protectedPaths: opts.source.sourcePath ? [opts.source.sourcePath] : []
  })
}
