/* eslint-disable @typescript-eslint/no-unsafe-argument -- OpenCV.js types its constants (CV_8UC1, MORPH_*) as any */
/**
 * Automatic damage mask with no model: thin bright/dark lines (scratches, cracks), isolated specks (dust) and flat
 * torn/missing areas at the border. Morphology, thresholds and connected components run in OpenCV.js; the per-component
 * shape rules (length, thickness, isolation, face zones) are plain loops over its label image.
 */
import type { Face } from '../../../../shared/faces'
import { throwIfAborted } from '../../errors'
import type { RgbImage } from '../../image/types'
import { free, loadOpenCv, type Cv } from './opencv'
import type { DamageKind, DamageRegion, DamageResult, DetectDamageOptions } from './types'

/** Detection runs on a copy whose long side is at most this (24 MP scans: bounded time and memory). */
export const ANALYSIS_MAX_SIDE = 2560

type Mat = InstanceType<Cv['Mat']>

const lerp = (a: number, b: number, t: number): number => a + (b - a) * t
const oddAtLeast = (v: number, min: number): number => Math.max(min, Math.round(v) | 1)

/** Thresholds from the sensitivity (0 strict .. 1 eager); values set from tests/integration/repair-measure.test.ts. */
export function damageParams(sensitivity: number, f: number) {
  const s = Math.min(1, Math.max(0, sensitivity))
  return {
    /** Top-hat response (gray levels) a component must reach somewhere. */
    high: lerp(60, 24, s),
    /** Hysteresis floor: pixels joined to a strong component down to this response. */
    lowRatio: 0.75,
    /** Shortest accepted line (analysis pixels). */
    minLength: lerp(36, 14, s) * f,
    /** Thickest accepted line (area / length). */
    maxThickness: 7 * f,
    /** Largest dust speck (pixels) and its side. */
    dustArea: 64 * f * f,
    dustSide: 11 * f,
    /** Fraction of strong-response pixels around a component above which it is texture (hair, foliage, fabric). */
    maxDensity: lerp(0.2, 0.35, s),
    /** Torn areas: flatness (local std) and how near white/black. */
    tearStd: lerp(2.0, 4.0, s),
    tearBright: lerp(236, 222, s)
  }
}

interface Zone {
  /** Face box grown by 15 %. */
  x0: number
  y0: number
  x1: number
  y1: number
  width: number
  /** Eyes and mouth: never masked automatically (lashes, brows, lip lines). */
  keep: { cx: number; cy: number; rx: number; ry: number }[]
}

function faceZones(faces: readonly Face[], k: number): Zone[] {
  return faces.map((f) => {
    const [x, y, w, h] = f.box.map((v) => v * k)
    const lm = f.landmarks.map(([px, py]) => [px * k, py * k] as const)
    const eyeDist = Math.max(4, Math.hypot(lm[1][0] - lm[0][0], lm[1][1] - lm[0][1]))
    const mouth = [(lm[3][0] + lm[4][0]) / 2, (lm[3][1] + lm[4][1]) / 2] as const
    const mouthW = Math.hypot(lm[4][0] - lm[3][0], lm[4][1] - lm[3][1])
    return {
      x0: x - 0.15 * w,
      y0: y - 0.15 * h,
      x1: x + 1.15 * w,
      y1: y + 1.15 * h,
      width: w,
      keep: [
        // Eye and brow together: lashes and brows are the thin dark lines most often taken for cracks.
        { cx: lm[0][0], cy: lm[0][1] - 0.12 * eyeDist, rx: 0.42 * eyeDist, ry: 0.42 * eyeDist },
        { cx: lm[1][0], cy: lm[1][1] - 0.12 * eyeDist, rx: 0.42 * eyeDist, ry: 0.42 * eyeDist },
        { cx: mouth[0], cy: mouth[1], rx: 0.5 * mouthW + 0.2 * eyeDist, ry: 0.3 * eyeDist }
      ]
    }
  })
}

function inKeep(zones: readonly Zone[], x: number, y: number): boolean {
  for (const z of zones) {
    for (const e of z.keep) {
      const dx = (x - e.cx) / e.rx
      const dy = (y - e.cy) / e.ry
      if (dx * dx + dy * dy <= 1) return true
    }
  }
  return false
}

function zoneOf(zones: readonly Zone[], x: number, y: number): Zone | undefined {
  return zones.find((z) => x >= z.x0 && x <= z.x1 && y >= z.y0 && y <= z.y1)
}

interface Comp {
  label: number
  x: number
  y: number
  w: number
  h: number
  area: number
  peak: number
  density: number
  /** Mean distance to the component's edge (a band of width w averages about w / 4). */
  radius: number
  /** Pixels inside a face zone, and the largest such zone's face width. */
  inFace: number
  faceWidth: number
}

/** Per-label peak response, texture density and face overlap in one pass over the label image. */
function measure(
  labels: Int32Array,
  stats: Int32Array,
  n: number,
  resp: Uint8Array,
  density: Float32Array,
  dist: Float32Array,
  width: number,
  zones: readonly Zone[]
): Comp[] {
  const comps: Comp[] = []
  for (let l = 0; l < n; l++) {
    comps.push({
      label: l,
      x: stats[l * 5],
      y: stats[l * 5 + 1],
      w: stats[l * 5 + 2],
      h: stats[l * 5 + 3],
      area: stats[l * 5 + 4],
      peak: 0,
      density: 0,
      radius: 0,
      inFace: 0,
      faceWidth: 0
    })
  }
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]
    if (l === 0) continue
    const c = comps[l]
    if (resp[i] > c.peak) c.peak = resp[i]
    c.density += density[i]
    c.radius += dist[i]
    if (zones.length > 0) {
      const z = zoneOf(zones, i % width, (i / width) | 0)
      if (z) {
        c.inFace++
        if (z.width > c.faceWidth) c.faceWidth = z.width
      }
    }
  }
  for (const c of comps) {
    if (c.area === 0) continue
    c.density /= c.area
    c.radius /= c.area
  }
  return comps
}

/** A k x k structuring element holding one line through the centre at `angle` (radians). */
function lineKernel(cv: Cv, k: number, angle: number): Mat {
  const m = cv.Mat.zeros(k, k, cv.CV_8UC1)
  const c = (k - 1) / 2
  const steps = k * 2
  for (let t = 0; t <= steps; t++) {
    const r = -c + (2 * c * t) / steps
    const x = Math.round(c + r * Math.cos(angle))
    const y = Math.round(c + r * Math.sin(angle))
    m.data[y * k + x] = 1
  }
  return m
}

type RegionOut = { kind: DamageKind; x: number; y: number; w: number; h: number; area: number }

/**
 * Thin bright and dark lines at one structuring-element size: top-hat + black-hat response, then the largest of
 * eight oriented line openings of it (only structures elongated over `lineLen` px survive: lines, not texture
 * blobs), hysteresis, and a length / thickness / texture-density test per component. Specks come from the raw
 * response (small, strong, isolated components).
 */
function lineScale(
  cv: Cv,
  gray: Mat,
  k: number,
  maxThickness: number,
  lineLen: number,
  p: ReturnType<typeof damageParams>,
  zones: readonly Zone[],
  out: Uint8Array,
  regions: RegionOut[],
  withDust: boolean
): void {
  const kernel = cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(k, k))
  const white = new cv.Mat()
  const black = new cv.Mat()
  const resp = new cv.Mat()
  const line = cv.Mat.zeros(gray.rows, gray.cols, cv.CV_8UC1)
  const opened = new cv.Mat()
  const strong = new cv.Mat()
  const density = new cv.Mat()
  const low = new cv.Mat()
  try {
    cv.morphologyEx(gray, white, cv.MORPH_TOPHAT, kernel)
    cv.morphologyEx(gray, black, cv.MORPH_BLACKHAT, kernel)
    cv.max(white, black, resp)
    for (let a = 0; a < 8; a++) {
      const lk = lineKernel(cv, lineLen, (a * Math.PI) / 8)
      cv.morphologyEx(resp, opened, cv.MORPH_OPEN, lk)
      cv.max(line, opened, line)
      free(lk)
    }
    // Texture density: share of line-like pixels in a ~31 px neighbourhood (scratches are sparse; fabric, brick
    // and foliage are dense).
    cv.threshold(line, strong, p.high * p.lowRatio, 1, cv.THRESH_BINARY)
    strong.convertTo(strong, cv.CV_32F)
    const win = oddAtLeast(41 * (k / 11), 41)
    cv.blur(strong, density, new cv.Size(win, win))
    const W = gray.cols
    const accept = (src: Mat, test: (c: Comp, length: number, thickness: number) => DamageKind | undefined): void => {
      const labels = new cv.Mat()
      const stats = new cv.Mat()
      const centroids = new cv.Mat()
      const dist = new cv.Mat()
      try {
        cv.threshold(src, low, p.high * p.lowRatio, 255, cv.THRESH_BINARY)
        cv.distanceTransform(low, dist, cv.DIST_L2, 3)
        const n = cv.connectedComponentsWithStats(low, labels, stats, centroids, 8, cv.CV_32S)
        const comps = measure(labels.data32S, stats.data32S, n, src.data, density.data32F, dist.data32F, W, zones)
        const accepted = new Uint8Array(n)
        const kinds: DamageKind[] = []
        for (let l = 1; l < n; l++) {
          const c = comps[l]
          if (c.peak < p.high) continue
          // A curve is longer than its box's diagonal: length from area / width, width from the mean edge distance
          // (robust to the few thick pixels where two scratches cross).
          const thickness = Math.max(1, 4 * c.radius - 2)
          const length = Math.max(Math.hypot(c.w, c.h), c.area / thickness)
          const kind = test(c, length, thickness)
          if (!kind) continue
          accepted[l] = 1
          kinds[l] = kind
          regions.push({ kind, x: c.x, y: c.y, w: c.w, h: c.h, area: c.area })
        }
        const lab = labels.data32S
        for (let i = 0; i < lab.length; i++) {
          if (accepted[lab[i]] === 0) continue
          if (zones.length > 0 && inKeep(zones, i % W, (i / W) | 0)) continue
          out[i] = 255
        }
      } finally {
        free(labels, stats, centroids, dist)
      }
    }
    accept(line, (c, length, thickness) => {
      if (length < p.minLength || thickness > maxThickness || c.density > p.maxDensity) return undefined
      if (c.inFace === 0) return 'scratch'
      // Inside a face: only long, thin, strong lines (a scratch across the face), never short strokes (lashes,
      // hair strands, lip lines, wrinkles).
      return length >= 0.5 * c.faceWidth && thickness <= 4 && c.peak >= 1.5 * p.high ? 'scratch' : undefined
    })
    if (withDust) {
      accept(resp, (c) =>
        c.inFace === 0 &&
        c.area <= p.dustArea &&
        Math.max(c.w, c.h) <= p.dustSide &&
        c.peak >= 1.3 * p.high &&
        c.density <= 0.1
          ? 'dust'
          : undefined
      )
    }
  } finally {
    free(kernel, white, black, resp, line, opened, strong, density, low)
  }
}

/**
 * Flat near-white areas touching the border: torn corners and missing pieces showing bare paper. Dark flat areas are
 * left alone (night skies, dark backgrounds and lid shadows look the same).
 */
function tears(cv: Cv, gray: Mat, p: ReturnType<typeof damageParams>, out: Uint8Array, regions: RegionOut[]): void {
  const W = gray.cols
  const H = gray.rows
  const f32 = new cv.Mat()
  const sq = new cv.Mat()
  const mean = new cv.Mat()
  const meanSq = new cv.Mat()
  const cand = new cv.Mat(H, W, cv.CV_8UC1, new cv.Scalar(0))
  const labels = new cv.Mat()
  const stats = new cv.Mat()
  const centroids = new cv.Mat()
  try {
    gray.convertTo(f32, cv.CV_32F)
    cv.multiply(f32, f32, sq)
    const size = new cv.Size(9, 9)
    cv.blur(f32, mean, size)
    cv.blur(sq, meanSq, size)
    const m = mean.data32F
    const m2 = meanSq.data32F
    const g = gray.data
    const c = cand.data
    const std2 = p.tearStd * p.tearStd
    for (let i = 0; i < g.length; i++) {
      const v = g[i]
      if (v >= p.tearBright && m2[i] - m[i] * m[i] <= std2) c[i] = 255
    }
    const n = cv.connectedComponentsWithStats(cand, labels, stats, centroids, 8, cv.CV_32S)
    const st = stats.data32S
    const total = W * H
    const keep = new Uint8Array(n)
    for (let l = 1; l < n; l++) {
      const [x, y, w, h, area] = [st[l * 5], st[l * 5 + 1], st[l * 5 + 2], st[l * 5 + 3], st[l * 5 + 4]]
      const touches = x === 0 || y === 0 || x + w === W || y + h === H
      if (!touches || area < 0.001 * total || area > 0.3 * total) continue
      // Solid: a torn piece fills most of its box's triangle at least (sky gradients and frames are thin or sparse).
      if (area < 0.35 * w * h) continue
      keep[l] = 1
      regions.push({ kind: 'tear', x, y, w, h, area })
    }
    const lab = labels.data32S
    for (let i = 0; i < lab.length; i++) if (keep[lab[i]]) out[i] = 255
  } finally {
    free(f32, sq, mean, meanSq, cand, labels, stats, centroids)
  }
}

/**
 * Finds damage in `image`. `faces` (image pixels, with landmarks) make detection far stricter inside them: eyes,
 * brows and mouth are never masked, and only long thin lines crossing the face are taken there.
 */
export async function detectDamage(
  image: RgbImage,
  faces: readonly Face[],
  opts: DetectDamageOptions = {}
): Promise<DamageResult> {
  const cv = await loadOpenCv()
  throwIfAborted(opts.signal)
  const { width, height } = image
  const k = Math.min(1, ANALYSIS_MAX_SIDE / Math.max(width, height))
  const aw = Math.max(1, Math.round(width * k))
  const ah = Math.max(1, Math.round(height * k))
  // Kernel sizes grow with the photo (a scratch on a 2560 px scan is wider than on a 500 px print copy).
  const f = Math.max(1, Math.max(aw, ah) / 1600)
  const p = damageParams(opts.sensitivity ?? 0.5, f)
  const zones = faceZones(faces, k)

  const rgb = cv.matFromArray(height, width, cv.CV_8UC3, image.data)
  const gray = new cv.Mat()
  const small = new cv.Mat()
  const acc = new cv.Mat(ah, aw, cv.CV_8UC1, new cv.Scalar(0))
  const tearMask = new cv.Mat(ah, aw, cv.CV_8UC1, new cv.Scalar(0))
  const grow = new cv.Mat()
  const full = new cv.Mat()
  const regions: RegionOut[] = []
  try {
    cv.cvtColor(rgb, gray, cv.COLOR_RGB2GRAY)
    free(rgb)
    if (k < 1) {
      cv.resize(gray, small, new cv.Size(aw, ah), 0, 0, cv.INTER_AREA)
      free(gray)
    } else gray.copyTo(small)
    // Two scales: 1-2 px lines against a small element (less texture picked up), up to ~5 px against a larger one.
    const len = oddAtLeast(15 * f, 15)
    lineScale(cv, small, oddAtLeast(5 * f, 5), 4 * f, len, p, zones, acc.data, regions, false)
    throwIfAborted(opts.signal)
    lineScale(cv, small, oddAtLeast(11 * f, 11), p.maxThickness, len, p, zones, acc.data, regions, true)
    throwIfAborted(opts.signal)
    tears(cv, small, p, tearMask.data, regions)
    // Cover the soft halo of each scratch so inpainting does not copy it back in.
    const kernel = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(3, 3))
    cv.dilate(acc, acc, kernel)
    free(kernel)
    const k5 = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(5, 5))
    cv.dilate(tearMask, grow, k5)
    free(k5)
    cv.max(acc, grow, acc)
    let data: Uint8Array
    if (k < 1) {
      cv.resize(acc, full, new cv.Size(width, height), 0, 0, cv.INTER_LINEAR)
      cv.threshold(full, full, 0, 255, cv.THRESH_BINARY)
      data = Uint8Array.from(full.data)
    } else data = Uint8Array.from(acc.data)
    let area = 0
    for (let i = 0; i < data.length; i++) if (data[i]) area++
    const out: DamageRegion[] = dedupe(regions).map((r) => ({
      kind: r.kind,
      box: [r.x / k, r.y / k, r.w / k, r.h / k],
      area: Math.round(r.area / (k * k))
    }))
    return {
      mask: { width, height, data },
      regions: out,
      areaPercent: (100 * area) / (width * height),
      analysisScale: 1 / k
    }
  } finally {
    free(rgb, gray, small, acc, tearMask, grow, full)
  }
}

/** The two scales find the same line twice: keep the larger of overlapping boxes of one kind. */
function dedupe<T extends { kind: DamageKind; x: number; y: number; w: number; h: number; area: number }>(
  rs: T[]
): T[] {
  const sorted = [...rs].sort((a, b) => b.area - a.area)
  const kept: T[] = []
  for (const r of sorted) {
    const inside = kept.some(
      (q) => q.kind === r.kind && r.x >= q.x && r.y >= q.y && r.x + r.w <= q.x + q.w && r.y + r.h <= q.y + q.h
    )
    if (!inside) kept.push(r)
  }
  return kept.sort((a, b) => a.y - b.y || a.x - b.x)
}
