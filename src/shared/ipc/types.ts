import type { Face } from '../faces'

/** Payload and result types of the IPC contract. Validators for the requests live in ./schemas. */
export interface AppInfo {
  name: string
  version: string
  platform: string
  electron?: string
  node: string
  modelsDir: string
}

export interface OpenedPhoto {
  photoId: string
  fileName: string
  /** Oriented size in image pixels. */
  width: number
  height: number
  bytes: number
  format: string
  grayscale: boolean
}

export interface PreviewRequest {
  photoId: string
  variant: 'original' | 'edited'
  /** Longest side of the preview in pixels; the full image when omitted (capped by main). */
  maxSide?: number
}

export interface PreviewImage {
  mime: 'image/png' | 'image/jpeg'
  bytes: Uint8Array
  /** Size of the encoded preview; scale = width / OpenedPhoto.width. */
  width: number
  height: number
}

export interface PhotoRef {
  photoId: string
}

export interface FacesResult {
  photoId: string
  faces: Face[]
  /** Clockwise rotation (degrees) at which the faces were found, when a rotation search ran. */
  rotation: number
}

export interface DetectRequest {
  photoId: string
  detector?: string
  minScore?: number
}

export interface JobProgress {
  jobId: string
  kind: string
  /** 0..1 */
  fraction: number
  stage: string
  message?: string
  done?: boolean
}
