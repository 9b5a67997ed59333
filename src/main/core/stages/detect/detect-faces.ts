import type { Face, Landmarks5 } from '../../../../shared/faces'
import type { Engine, LoadedModel, ModelRef } from '../../engine'
import { HeirloomError, throwIfAborted } from '../../errors'
import { boxOfPoints, nms } from '../../geometry/boxes'
import { resizeRgb } from '../../image/resize'
import type { RgbImage } from '../../image/types'
import { cropRgb } from './crop-rgb'
import { faceMeshOnBox } from './facemesh'
import { detectorFamily } from './families'
import { downscaleSize, unscaleDetection } from './letterbox'
import { rotateRgb, unrotateDetection } from './rotation'
import { selectFaces } from './select'
import { planTiles, touchesInnerEdge } from './tiles'
import type { DetectOptions, DetectResult, DetectorFamily, RawDetection, Rotation, StageTimings } from './types'
import { ACCEPT_SCORE, DEFAULT_MIN_FACE_CONFIDENCE } from './verify'

export const DEFAULT_DETECTOR = 'yunet-2023mar'
export const DEFAULT_LANDMARK_MODEL = 'facemesh-468'
export const DEFAULT_MAX_SIDE = 1280
/** The tiled pass runs (in `auto`) when the smallest face in the downscaled copy is narrower than this. */
const TINY_FACE_PX = 32

interface Candidate extends RawDetection {
  rotation: Rotation
}

export interface DetectRefs {
  /** Detector model: manifest id (default `yunet-2023mar`) or a custom file reference. */
  detector?: string | ModelRef
  /** Landmark model used for verification and for box-only detectors; default `facemesh-468`. */
  landmarkModel?: string | ModelRef
  /** Filled with per-stage timings (ms) when given. */
  timings?: StageTimings & { decode?: number }
}

const asRef = (r: string | ModelRef): ModelRef => (typeof r === 'string' ? { id: r } : r)
const refLabel = (r: ModelRef): string => ('id' in r ? r.id : r.file)

function checkImage(img: RgbImage): void {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width < 1 || img.height < 1) {
    throw new HeirloomError('INVALID_REQUEST', `Image size must be positive integers (got ${img.width}x${img.height}).`)
  }
  if (img.data.length !== img.width * img.height * 3) {
    throw new HeirloomError('INVALID_REQUEST', 'Image buffer does not match its size (expected 3 bytes per pixel).')
  }
}

/**
 * The landmark model, or undefined when verification is optional and the model is not installed (it is never
 * downloaded just for verification; box-only detectors and `verify: 'always'` require it).
 */
async function openLandmarkModel(engine: Engine, ref: ModelRef, required: boolean): Promise<LoadedModel | undefined> {
  if (!required && 'id' in ref && !engine.store.isInstalled(ref.id)) return undefined
  return engine.openModel(ref)
}

/** Runs one detector pass on `img` (already the frame wanted) and returns detections in that frame. */
async function pass(
  family: DetectorFamily,
  model: LoadedModel,
  img: RgbImage,
  opts: { minScore: number; nmsIou: number; signal?: AbortSignal; timings?: StageTimings }
): Promise<RawDetection[]> {
  throwIfAborted(opts.signal)
  return family.detect(model.session, img, opts)
}

/**
 * Finds faces: a pass on a copy downscaled to `maxSide`, a full-resolution tiled pass when faces are tiny (or none),
 * optional 90/180/270 turns when nothing is found upright, then FaceMesh verification and selection.
 * Every coordinate returned is in oriented image pixels of `img`.
 */
export async function detectFaces(
  engine: Engine,
  img: RgbImage,
  opts: DetectOptions & DetectRefs = {}
): Promise<DetectResult> {
  checkImage(img)
  const detRef = asRef(opts.detector ?? DEFAULT_DETECTOR)
  const model = await engine.openModel(detRef)
  const family = detectorFamily(model.entry.family, refLabel(detRef))
  const minScore = opts.minScore ?? family.defaultMinScore
  const nmsIou = opts.nmsIou ?? 0.3
  const verifyMode = opts.verify ?? 'auto'
  const needsMesh = !family.hasLandmarks || verifyMode === 'always'
  const mesh =
    verifyMode === 'never' && family.hasLandmarks
      ? undefined
      : await openLandmarkModel(engine, asRef(opts.landmarkModel ?? DEFAULT_LANDMARK_MODEL), needsMesh)
  const run = { minScore, nmsIou, signal: opts.signal, timings: opts.timings }

  const ds = downscaleSize(img.width, img.height, firstPassSide(family, model, opts.maxSide))
  let t = performance.now()
  // libvips 'linear' still box-shrinks first (no aliasing) and is ~40 % faster than lanczos3 here.
  const small = ds.scale === 1 ? img : await resizeRgb(img, ds.width, ds.height, 'linear')
  if (opts.timings) opts.timings.preprocess += performance.now() - t
  const sx = ds.width / img.width
  const sy = ds.height / img.height

  const accept = async (cands: Candidate[]): Promise<Face[]> => {
    const faces: Face[] = []
    for (const c of cands) {
      throwIfAborted(opts.signal)
      const needConfirm =
        mesh !== undefined && verifyMode !== 'never' && (c.score < ACCEPT_SCORE || verifyMode === 'always')
      if (!mesh && verifyMode !== 'never' && c.score < Math.max(ACCEPT_SCORE, minScore)) continue
      let landmarks: Landmarks5 | undefined = c.landmarks
      if (mesh && (needConfirm || !landmarks)) {
        t = performance.now()
        const fm = await faceMeshOnBox(mesh.session, img, c.box, c.rotation, opts.signal)
        if (opts.timings) opts.timings.postprocess += performance.now() - t
        if (needConfirm && fm.confidence < (opts.minFaceConfidence ?? DEFAULT_MIN_FACE_CONFIDENCE)) continue
        landmarks ??= fm.landmarks
      }
      if (!landmarks) continue
      faces.push({ box: c.box, score: c.score, landmarks, source: 'detector' })
    }
    return faces
  }

  // Upright: downscaled pass, then (maybe) full-resolution tiles.
  const first = (await pass(family, model, small, run)).map((d) => unscaleDetection(d, sx, sy))
  let cands: Candidate[] = first.map((d) => ({ ...d, rotation: 0 }))
  const tiledMode = opts.tiled ?? 'auto'
  const tinyOrNone = first.length === 0 || first.some((d) => d.box[2] * sx < TINY_FACE_PX)
  const tiled = tiledMode === 'always' || (tiledMode === 'auto' && ds.scale < 1 / 1.5 && tinyOrNone)
  if (tiled) {
    const side = family.tileSide(model.session)
    const overlap = Math.round(side / 4)
    for (const tile of planTiles(img.width, img.height, side, overlap)) {
      const found = await pass(family, model, cropRgb(img, tile), run)
      for (const d of found) {
        const m = unscaleDetection(d, 1, 1, tile[0], tile[1])
        if (!touchesInnerEdge(m.box, tile, img.width, img.height, 2)) cands.push({ ...m, rotation: 0 })
      }
    }
    cands = nms(cands, nmsIou)
  }
  let faces = await accept(cands)
  let rotation: Rotation = 0

  if (faces.length === 0 && opts.tryRotations) {
    // Try every turn and keep the best: YuNet also fires (more weakly) on upside-down faces, so the first hit is not
    // necessarily the upright one.
    let best = 0
    for (const r of [90, 180, 270] as const) {
      const turned = rotateRgb(small, r)
      const found = (await pass(family, model, turned, run)).map((d) => ({
        ...unscaleDetection(unrotateDetection(d, r, small.width, small.height), sx, sy),
        rotation: r
      }))
      const kept = await accept(found)
      const total = kept.reduce((a, f) => a + f.score, 0)
      if (total > best) {
        best = total
        faces = kept
        rotation = r
      }
    }
  }

  // Box-only detectors got landmarks from FaceMesh; keep their boxes but make sure they contain the points.
  faces = faces.map((f) => (family.hasLandmarks ? f : { ...f, box: unionBox(f.box, boxOfPoints(f.landmarks)) }))
  return {
    width: img.width,
    height: img.height,
    faces: selectFaces(faces, {
      width: img.width,
      height: img.height,
      minEyeDistance: opts.minEyeDistance,
      select: opts.select
    }),
    rotation,
    detector: 'id' in detRef ? model.entry.id : detRef.file,
    tiled,
    verified: mesh !== undefined && verifyMode !== 'never'
  }
}

/** The first pass's long side: maxSide, or less when the model would shrink the copy further anyway. */
export function firstPassSide(family: DetectorFamily, model: LoadedModel, maxSide = DEFAULT_MAX_SIDE): number {
  return Math.min(maxSide, family.firstPassSide(model.session) ?? Infinity)
}

function unionBox(a: Face['box'], b: Face['box']): Face['box'] {
  const x0 = Math.min(a[0], b[0])
  const y0 = Math.min(a[1], b[1])
  const x1 = Math.max(a[0] + a[2], b[0] + b[2])
  const y1 = Math.max(a[1] + a[3], b[1] + b[3])
  return [x0, y0, x1 - x0, y1 - y0]
}
