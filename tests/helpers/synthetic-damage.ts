/**
 * Synthetic damage with known ground truth, drawn over clean photos: scratches (random curves 1-4 px wide, light and
 * dark, varied contrast), dust specks and a torn corner. Seeded, so every run measures the same corpus.
 */
import type { RgbImage } from '../../src/main/core/image/types'

export interface DamagedPhoto {
  image: RgbImage
  /** 255 where damage was drawn. */
  truth: Uint8Array
  scratches: number
  specks: number
  tornCorner: boolean
}

/** mulberry32: tiny seeded generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function paint(img: RgbImage, truth: Uint8Array, x: number, y: number, tone: number, alpha: number): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return
  const i = y * img.width + x
  for (let c = 0; c < 3; c++) {
    const v = img.data[i * 3 + c]
    img.data[i * 3 + c] = Math.round(v + (tone - v) * alpha)
  }
  truth[i] = 255
}

export interface DamageSpec {
  seed: number
  scratches?: number
  specks?: number
  tornCorner?: boolean
}

/** Draws damage onto a copy of `clean`. */
export function addDamage(clean: RgbImage, spec: DamageSpec): DamagedPhoto {
  const rand = rng(spec.seed)
  const image: RgbImage = { width: clean.width, height: clean.height, data: Uint8Array.from(clean.data) }
  const { width: W, height: H } = image
  const truth = new Uint8Array(W * H)
  const nScratch = spec.scratches ?? 6
  for (let s = 0; s < nScratch; s++) {
    // A cubic Bezier across a good part of the photo, 1-4 px wide, light or dark, contrast 0.45..0.95.
    const p = Array.from({ length: 4 }, () => [rand() * W, rand() * H])
    const width = 1 + Math.floor(rand() * 4)
    const light = rand() < 0.5
    const tone = light ? 235 + rand() * 20 : rand() * 25
    const alpha = 0.45 + rand() * 0.5
    const len = Math.hypot(p[3][0] - p[0][0], p[3][1] - p[0][1]) + Math.hypot(p[1][0] - p[2][0], p[1][1] - p[2][1])
    const steps = Math.max(50, Math.ceil(len * 2))
    const r = width / 2
    const done = new Set<number>()
    for (let k = 0; k <= steps; k++) {
      const t = k / steps
      const u = 1 - t
      const x = u * u * u * p[0][0] + 3 * u * u * t * p[1][0] + 3 * u * t * t * p[2][0] + t * t * t * p[3][0]
      const y = u * u * u * p[0][1] + 3 * u * u * t * p[1][1] + 3 * u * t * t * p[2][1] + t * t * t * p[3][1]
      for (let yy = Math.floor(y - r); yy <= Math.ceil(y + r); yy++) {
        for (let xx = Math.floor(x - r); xx <= Math.ceil(x + r); xx++) {
          if (Math.hypot(xx + 0.5 - x, yy + 0.5 - y) > Math.max(0.75, r)) continue
          const key = yy * W + xx
          if (done.has(key)) continue
          done.add(key)
          paint(image, truth, xx, yy, tone, alpha)
        }
      }
    }
  }
  const nSpeck = spec.specks ?? 12
  for (let s = 0; s < nSpeck; s++) {
    const cx = rand() * W
    const cy = rand() * H
    const r = 0.8 + rand() * 2
    const tone = rand() < 0.6 ? 245 : 15
    for (let yy = Math.floor(cy - r); yy <= Math.ceil(cy + r); yy++) {
      for (let xx = Math.floor(cx - r); xx <= Math.ceil(cx + r); xx++) {
        if (Math.hypot(xx + 0.5 - cx, yy + 0.5 - cy) <= r) paint(image, truth, xx, yy, tone, 0.9)
      }
    }
  }
  if (spec.tornCorner) {
    // A ragged triangle of bare paper at the top-right corner (about 1/7 of the short side deep).
    const d = Math.min(W, H) / 7
    for (let y = 0; y < d * 1.2; y++) {
      for (let x = W - d * 1.6; x < W; x++) {
        const xi = Math.floor(x)
        // Inside the corner triangle: within d of the top-right corner in this stretched metric, with a ragged edge.
        const edge = (W - 1 - xi) / 1.6 + y / 1.2 - d + Math.sin(y * 0.9) * 1.5
        if (edge >= 0 || xi < 0) continue
        const i = y * W + xi
        const v = 243 + Math.floor(rand() * 3)
        image.data[i * 3] = v
        image.data[i * 3 + 1] = v - 2
        image.data[i * 3 + 2] = v - 6
        truth[i] = 255
      }
    }
  }
  return { image, truth, scratches: nScratch, specks: nSpeck, tornCorner: spec.tornCorner ?? false }
}

/** Ground truth grown by `r` px (square), to forgive a detection that also covers a scratch's 1-2 px halo. */
export function grow(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const tmp = new Uint8Array(mask.length)
  const out = new Uint8Array(mask.length)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0
      for (let d = -r; d <= r && !v; d++) {
        const xx = x + d
        if (xx >= 0 && xx < width && mask[y * width + xx]) v = 255
      }
      tmp[y * width + x] = v
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0
      for (let d = -r; d <= r && !v; d++) {
        const yy = y + d
        if (yy >= 0 && yy < height && tmp[yy * width + x]) v = 255
      }
      out[y * width + x] = v
    }
  }
  return out
}

export interface BoxPx {
  x0: number
  y0: number
  x1: number
  y1: number
}

export interface DetectionScore {
  /** Share of damaged pixels the mask covers. */
  recall: number
  /** Masked pixels outside the truth grown by 2 px, as % of the photo. */
  falsePct: number
  /** The same inside face boxes, as % of the face boxes' area (undefined without faces). */
  faceRecall?: number
  faceFalsePct?: number
}

export function scoreDetection(
  mask: Uint8Array,
  truth: Uint8Array,
  width: number,
  height: number,
  faces: readonly BoxPx[] = []
): DetectionScore {
  const tolerant = grow(truth, width, height, 2)
  let hit = 0
  let total = 0
  let falseN = 0
  let fHit = 0
  let fTotal = 0
  let fFalse = 0
  let fArea = 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x
      const inFace = faces.some((b) => x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1)
      if (inFace) fArea++
      if (truth[i]) {
        total++
        if (mask[i]) hit++
        if (inFace) {
          fTotal++
          if (mask[i]) fHit++
        }
      } else if (mask[i] && !tolerant[i]) {
        falseN++
        if (inFace) fFalse++
      }
    }
  }
  return {
    recall: total ? hit / total : 1,
    falsePct: (100 * falseN) / (width * height),
    faceRecall: faces.length ? (fTotal ? fHit / fTotal : 1) : undefined,
    faceFalsePct: faces.length ? (100 * fFalse) / Math.max(1, fArea) : undefined
  }
}
