/** Interleaved 8-bit RGB pixels, oriented (EXIF applied), sRGB. data.length === width * height * 3. */
export interface RgbImage {
  width: number
  height: number
  data: Uint8Array
}

export type ImageFormat = 'jpeg' | 'png' | 'tiff' | 'webp' | 'gif' | 'avif' | 'heif' | 'other'

/** Raw metadata blocks kept from the original so export can carry them over. */
export interface PhotoMetadata {
  exif?: Buffer
  icc?: Buffer
  xmp?: Buffer
  /** Original EXIF orientation (1..8) before it was applied. */
  orientation?: number
  density?: number
}

export interface DecodedPhoto {
  image: RgbImage
  /** Alpha channel (width*height bytes) kept aside; restored on export. */
  alpha?: Uint8Array
  /** True when the source had one colour channel (or R=G=B everywhere): later stages keep it gray. */
  grayscale: boolean
  format: ImageFormat
  /** Bits per sample of the source (8 or 16). */
  bitDepth: number
  metadata: PhotoMetadata
  sourcePath?: string
  /** What decoding had to leave out, in words (e.g. metadata too large, dropped). */
  notes?: string[]
}
