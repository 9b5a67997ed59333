import type { BoxXYWH, Face, Landmarks5 } from '../../../../shared/faces'
import type { RgbImage } from '../../image/types'
import type { ModelSession } from '../../runtime/types'

/** A detection in some pixel frame named by the caller; landmarks absent for box-only detectors. */
export interface RawDetection {
  box: BoxXYWH
  score: number
  landmarks?: Landmarks5
}

/** Clockwise degrees the photo was turned before the detector found faces. */
export type Rotation = 0 | 90 | 180 | 270

/** Which faces to keep after filtering, like GFPGAN's `only_center_face` / largest-face options. */
export type FaceSelection = 'all' | 'largest' | 'center'

export interface DetectOptions {
  /** Minimum detector score; default per family (YuNet 0.6, SCRFD 0.5, UltraFace 0.7). */
  minScore?: number
  /** NMS IoU; default 0.3 like OpenCV's YuNet sample. */
  nmsIou?: number
  /** Long side of the downscaled copy the first pass runs on; default 1280. */
  maxSide?: number
  /**
   * Second pass on full-resolution tiles: `auto` runs it when the photo was downscaled by more than 1.5x and
   * no face or only tiny faces were found; default `auto`.
   */
  tiled?: 'auto' | 'always' | 'never'
  /** Try 90/180/270 degree turns when nothing is found upright; default false. */
  tryRotations?: boolean
  /**
   * Check each face with the FaceMesh landmark model's confidence: `auto` uses it when the model is installed (or
   * can be downloaded), `never` skips it, `always` fails without it. Default `auto`.
   */
  verify?: 'auto' | 'always' | 'never'
  /** Minimum FaceMesh face confidence; default 0.5. */
  minFaceConfidence?: number
  /** Drop faces whose eye centres are closer than this many image pixels; default 0 (keep all). */
  minEyeDistance?: number
  /** Keep all faces, only the largest, or only the one nearest the centre; default `all`. */
  select?: FaceSelection
  signal?: AbortSignal
}

export interface DetectResult {
  /** Oriented image size of the input (the frame of every coordinate below). */
  width: number
  height: number
  /** Faces in oriented image pixels of the INPUT, sorted left to right. */
  faces: Face[]
  /**
   * Clockwise turn under which the faces were found (0 when upright). Coordinates are still in the input frame, so
   * a face found at 90 has its eyes one above the other in the input; turning the photo by `rotation` makes it upright.
   */
  rotation: Rotation
  /** Manifest id (or file) of the detector that ran. */
  detector: string
  /** Whether the full-resolution tiled pass ran. */
  tiled: boolean
  /** Whether faces were checked with the landmark model. */
  verified: boolean
}

/** What every detector family module provides: one image in, detections in that image's pixels out. */
export interface DetectorFamily {
  readonly family: 'yunet' | 'scrfd' | 'ultraface'
  readonly hasLandmarks: boolean
  readonly defaultMinScore: number
  /** Input side the family prefers for a square tile (fixed models: their input size). */
  tileSide(session: ModelSession): number
  /**
   * Long side the first pass should downscale to when the model would shrink it further anyway (fixed-input models:
   * their input side), so the photo is resized once; undefined = use maxSide.
   */
  firstPassSide(session: ModelSession): number | undefined
  detect(session: ModelSession, img: RgbImage, opts: FamilyRunOptions): Promise<RawDetection[]>
}

export interface FamilyRunOptions {
  minScore: number
  nmsIou: number
  signal?: AbortSignal
  /** Filled with stage timings (ms) when given; the benchmark reads them. */
  timings?: StageTimings
}

export interface StageTimings {
  preprocess: number
  run: number
  postprocess: number
}

export type { Face }
