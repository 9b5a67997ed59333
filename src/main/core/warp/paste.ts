import type { BoxXYWH } from '../../../shared/faces'
import { HeirloomError } from '../errors'
import { affineScale, applyAffine, invertAffine } from '../geometry/affine'
import type { Affine } from '../geometry/types'
import type { RgbImage } from '../image/types'
import { erodeRect, gaussianBlurMask } from './morphology'

export type PasteMask = 'facexlib' | 'feather'

export interface PasteOptions {
  /** 0..1 blend with the original; default 1. */
  strength?: number
  /** 'feather' (default): smooth falloff towards the crop edges; 'facexlib': facexlib's eroded + blurred square. */
  mask?: PasteMask
  /**
   * Other faces' boxes (target pixels) the paste must leave alone: a face crop, and above all a StyleGANEX 384 crop,
   * reaches over a close neighbour in group photos. Their cores stay exact; the edge ramps over a few pixels.
   */
  protect?: readonly BoxXYWH[]
  /**
   * Face-region mask in crop space (1 = the edited face may show): the blend weight becomes min(box mask, region),
   * FaceFusion's recipe (facefusion/face_masker.py create_region_mask, combined with the box mask by minimum).
   */
  regionMask?: CropMask
}

/** A soft 0..1 mask over a face crop; any size (sampled bilinearly in proportion to the crop). */
export interface CropMask {
  width: number
  height: number
  data: Float32Array
}

/** Bilinear sample of `m` at crop position (u, v) of a crop fw x fh (edge replicated). */
export function sampleCropMask(m: CropMask, u: number, v: number, fw: number, fh: number): number {
  const x = Math.min(m.width - 1, Math.max(0, ((u + 0.5) * m.width) / fw - 0.5))
  const y = Math.min(m.height - 1, Math.max(0, ((v + 0.5) * m.height) / fh - 0.5))
  const x0 = Math.floor(x)
  const y0 = Math.floor(y)
  const x1 = Math.min(m.width - 1, x0 + 1)
  const y1 = Math.min(m.height - 1, y0 + 1)
  const fx = x - x0
  const fy = y - y0
  const d = m.data
  const w = m.width
  return (
    (1 - fy) * ((1 - fx) * d[y0 * w + x0] + fx * d[y0 * w + x1]) +
    fy * ((1 - fx) * d[y1 * w + x0] + fx * d[y1 * w + x1])
  )
}

/** Per protected box: the untouched core (shrunk box) and the ramp width outside it. */
interface Guard {
  x0: number
  y0: number
  x1: number
  y1: number
  ramp: number
}

/** Shrink each box by 10 % per side (touching faces keep their own centres), ramp over 10 % of its smaller side. */
function guardsOf(boxes: readonly BoxXYWH[] | undefined): Guard[] {
  return (boxes ?? []).map(([x, y, w, h]) => ({
    x0: x + 0.1 * w,
    y0: y + 0.1 * h,
    x1: x + 0.9 * w,
    y1: y + 0.9 * h,
    ramp: Math.max(1, 0.1 * Math.min(w, h))
  }))
}

/** 0 inside any guard's core, rising smoothly to 1 one ramp away from it. */
function guardWeight(guards: readonly Guard[], x: number, y: number): number {
  let k = 1
  for (const g of guards) {
    const dx = Math.max(g.x0 - x, 0, x - g.x1)
    const dy = Math.max(g.y0 - y, 0, y - g.y1)
    const d = Math.max(dx, dy)
    if (d < g.ramp) k *= smoothstep(d / g.ramp)
  }
  return k
}

/** Sub-pixel resolution of cv2's remap (1/32 px). */
const SUBPIX = 32
const SUBPIX_BITS = 5
/** Feather mask: fade over 10 % of the crop side, starting 1 % inside its edge (hides bilinear fringe). */
const FEATHER_WIDTH = 0.1
const FEATHER_INSET = 0.01

/** Integer pixel box of the crop mapped back into the target, grown by `pad` and clipped. */
function regionOf(target: RgbImage, face: RgbImage, inv: Affine, pad: number): [number, number, number, number] {
  const corners = [
    applyAffine(inv, [-0.5, -0.5]),
    applyAffine(inv, [face.width - 0.5, -0.5]),
    applyAffine(inv, [-0.5, face.height - 0.5]),
    applyAffine(inv, [face.width - 0.5, face.height - 0.5])
  ]
  const xs = corners.map((p) => p[0])
  const ys = corners.map((p) => p[1])
  const x0 = Math.max(0, Math.floor(Math.min(...xs)) - pad)
  const y0 = Math.max(0, Math.floor(Math.min(...ys)) - pad)
  const x1 = Math.min(target.width, Math.ceil(Math.max(...xs)) + 1 + pad)
  const y1 = Math.min(target.height, Math.ceil(Math.max(...ys)) + 1 + pad)
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)]
}

/**
 * Blends a processed face crop back into `target` in place, touching only the face's bounding box (never a whole-photo
 * warp). `m` maps target pixels -> crop pixels (the alignment affine). Returns the box that was touched.
 */
export function pasteBack(target: RgbImage, face: RgbImage, m: Affine, opts: PasteOptions = {}): BoxXYWH {
  const strength = opts.strength ?? 1
  if (!(strength >= 0 && strength <= 1)) {
    throw new HeirloomError('INVALID_REQUEST', `Paste strength must be within 0..1 (got ${strength}).`)
  }
  if (face.width <= 0 || face.height <= 0 || face.data.length < face.width * face.height * 3) {
    throw new HeirloomError('INVALID_REQUEST', 'Face crop is empty or its buffer is too small.')
  }
  const inv = invertAffine(m)
  const guards = guardsOf(opts.protect)
  const region = opts.regionMask
  if (region && !(region.width > 0 && region.height > 0 && region.data.length >= region.width * region.height)) {
    throw new HeirloomError('INVALID_REQUEST', 'Face-region mask is empty or its buffer is too small.')
  }
  if (opts.mask === 'facexlib') return pasteFacexlib(target, face, m, inv, strength, guards, region)
  return pasteFeather(target, face, m, inv, strength, guards, region)
}

/** Bilinear face sample at crop position (qx, qy) in 1/32 px; outside pixels count as 0 (cv2 constant border). */
function sampleZero(face: RgbImage, qx: number, qy: number, out: Float64Array): void {
  const fw = face.width
  const fh = face.height
  const x0 = qx >> SUBPIX_BITS
  const y0 = qy >> SUBPIX_BITS
  const fx = (qx & (SUBPIX - 1)) / SUBPIX
  const fy = (qy & (SUBPIX - 1)) / SUBPIX
  out[0] = 0
  out[1] = 0
  out[2] = 0
  out[3] = 0
  for (let k = 0; k < 4; k++) {
    const x = x0 + (k & 1)
    const y = y0 + (k >> 1)
    if (x < 0 || y < 0 || x >= fw || y >= fh) continue
    const wk = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy)
    const i = (y * fw + x) * 3
    out[0] += wk * face.data[i]
    out[1] += wk * face.data[i + 1]
    out[2] += wk * face.data[i + 2]
    out[3] += wk // bilinear of a ones-mask with a zero border
  }
}

/**
 * facexlib FaceRestoreHelper.paste_faces_to_input_image at upscale 1: warp face + ones-mask back, erode 2 px,
 * w_edge = int(sqrt(area))//20, erode 2*w_edge, GaussianBlur(2*w_edge+1), blend; computed on the face's box only.
 */
function pasteFacexlib(
  target: RgbImage,
  face: RgbImage,
  m: Affine,
  inv: Affine,
  strength: number,
  guards: readonly Guard[],
  region?: CropMask
): BoxXYWH {
  const scale = affineScale(m)
  // Room for the blur to fall to zero outside the warped mask (w_edge <= sqrt(area)/20).
  const pad = Math.ceil(Math.sqrt((face.width * face.height) / (scale * scale)) / 20) + 3
  const [rx, ry, rw, rh] = regionOf(target, face, inv, pad)
  if (rw === 0 || rh === 0) return [rx, ry, 0, 0]
  const n = rw * rh
  const mask = new Float32Array(n)
  const warped = new Uint8Array(n * 3)
  const s = new Float64Array(4)
  const fw = face.width
  const fh = face.height
  const fd = face.data
  const [a, b, c, d, e, f] = m
  for (let y = 0; y < rh; y++) {
    const ty = ry + y
    for (let x = 0; x < rw; x++) {
      const tx = rx + x
      const qx = Math.round((a * tx + b * ty + c) * SUBPIX)
      const qy = Math.round((d * tx + e * ty + f) * SUBPIX)
      const i = y * rw + x
      const x0 = qx >> SUBPIX_BITS
      const y0 = qy >> SUBPIX_BITS
      if (x0 < -1 || y0 < -1 || x0 >= fw || y0 >= fh) continue // all four neighbours outside: mask and face are 0
      if (x0 >= 0 && y0 >= 0 && x0 < fw - 1 && y0 < fh - 1) {
        const fx = (qx & (SUBPIX - 1)) / SUBPIX
        const fy = (qy & (SUBPIX - 1)) / SUBPIX
        const w00 = (1 - fx) * (1 - fy)
        const w01 = fx * (1 - fy)
        const w10 = (1 - fx) * fy
        const w11 = fx * fy
        const j = (y0 * fw + x0) * 3
        const k = j + fw * 3
        mask[i] = 1
        warped[i * 3] = w00 * fd[j] + w01 * fd[j + 3] + w10 * fd[k] + w11 * fd[k + 3] + 0.5
        warped[i * 3 + 1] = w00 * fd[j + 1] + w01 * fd[j + 4] + w10 * fd[k + 1] + w11 * fd[k + 4] + 0.5
        warped[i * 3 + 2] = w00 * fd[j + 2] + w01 * fd[j + 5] + w10 * fd[k + 2] + w11 * fd[k + 5] + 0.5
        continue
      }
      sampleZero(face, qx, qy, s)
      mask[i] = s[3]!
      // cv2.warpAffine on uint8 rounds the face sample.
      warped[i * 3] = s[0] + 0.5
      warped[i * 3 + 1] = s[1] + 0.5
      warped[i * 3 + 2] = s[2] + 0.5
    }
  }
  erodeRect(mask, rw, rh, 2, 2)
  const eroded = mask.slice()
  let area = 0
  for (let i = 0; i < n; i++) area += eroded[i]
  const wEdge = Math.floor(Math.floor(Math.sqrt(area)) / 20)
  erodeRect(mask, rw, rh, 2 * wEdge, 2 * wEdge)
  gaussianBlurMask(mask, rw, rh, 2 * wEdge + 1)
  const t = target.data
  const tw = target.width
  for (let y = 0; y < rh; y++) {
    let p = ((ry + y) * tw + rx) * 3
    for (let x = 0; x < rw; x++, p += 3) {
      const i = y * rw + x
      let soft = mask[i] * strength
      if (soft > 0 && region) {
        const tx = rx + x
        const ty = ry + y
        soft = Math.min(mask[i], sampleCropMask(region, a * tx + b * ty + c, d * tx + e * ty + f, fw, fh)) * strength
      }
      if (soft > 0 && guards.length > 0) soft *= guardWeight(guards, rx + x, ry + y)
      if (soft <= 0) continue
      const er = eroded[i]
      for (let ch = 0; ch < 3; ch++) {
        const v = soft * er * warped[i * 3 + ch] + (1 - soft) * t[p + ch]
        // facexlib ends with astype(uint8): truncation, not rounding.
        t[p + ch] = v >= 255 ? 255 : v
      }
    }
  }
  return [rx, ry, rw, rh]
}

function smoothstep(t: number): number {
  if (t <= 0) return 0
  if (t >= 1) return 1
  return t * t * (3 - 2 * t)
}

/**
 * Heirloom's mask: a separable smoothstep falloff measured in crop pixels from the crop edges, so the seam is spread
 * over 10 % of the face whatever its size, corners are rounded, and no erosion/blur passes are needed.
 */
function pasteFeather(
  target: RgbImage,
  face: RgbImage,
  m: Affine,
  inv: Affine,
  strength: number,
  guards: readonly Guard[],
  region?: CropMask
): BoxXYWH {
  const [rx, ry, rw, rh] = regionOf(target, face, inv, 1)
  if (rw === 0 || rh === 0) return [rx, ry, 0, 0]
  const fw = face.width
  const fh = face.height
  const fd = face.data
  const featherX = Math.max(1, FEATHER_WIDTH * fw)
  const featherY = Math.max(1, FEATHER_WIDTH * fh)
  const insetX = FEATHER_INSET * fw
  const insetY = FEATHER_INSET * fh
  const t = target.data
  const tw = target.width
  const [a, b, c, d, e, f] = m
  for (let y = 0; y < rh; y++) {
    const ty = ry + y
    let p = (ty * tw + rx) * 3
    for (let x = 0; x < rw; x++, p += 3) {
      const tx = rx + x
      const u = a * tx + b * ty + c
      const v = d * tx + e * ty + f
      const du = Math.min(u + 0.5, fw - 0.5 - u) - insetX
      const dv = Math.min(v + 0.5, fh - 0.5 - v) - insetY
      if (du <= 0 || dv <= 0) continue
      let w = smoothstep(du / featherX) * smoothstep(dv / featherY)
      if (region) w = Math.min(w, sampleCropMask(region, u, v, fw, fh))
      w *= strength
      if (w > 0 && guards.length > 0) w *= guardWeight(guards, tx, ty)
      if (w <= 0) continue
      // Replicate border: the falloff keeps edge samples at near-zero weight, so no dark fringe can show.
      let x0 = Math.floor(u)
      let y0 = Math.floor(v)
      const fx = u - x0
      const fy = v - y0
      let x1 = x0 + 1
      let y1 = y0 + 1
      if (x0 < 0) x0 = 0
      if (y0 < 0) y0 = 0
      if (x1 > fw - 1) x1 = fw - 1
      if (y1 > fh - 1) y1 = fh - 1
      if (x0 > fw - 1) x0 = fw - 1
      if (y0 > fh - 1) y0 = fh - 1
      const i00 = (y0 * fw + x0) * 3
      const i01 = (y0 * fw + x1) * 3
      const i10 = (y1 * fw + x0) * 3
      const i11 = (y1 * fw + x1) * 3
      const w00 = (1 - fx) * (1 - fy)
      const w01 = fx * (1 - fy)
      const w10 = (1 - fx) * fy
      const w11 = fx * fy
      for (let ch = 0; ch < 3; ch++) {
        const s = w00 * fd[i00 + ch] + w01 * fd[i01 + ch] + w10 * fd[i10 + ch] + w11 * fd[i11 + ch]
        t[p + ch] = w * s + (1 - w) * t[p + ch] + 0.5
      }
    }
  }
  return [rx, ry, rw, rh]
}
