/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment -- OpenCV.js types its constants (CV_8UC1, MORPH_*) as any */
/**
 * `lama` repair: OpenCV Zoo's LaMa export (models/inpainting_lama/inpainting_lama_2025jan.onnx, Apache-2.0).
 * Contract from opencv/opencv_zoo models/inpainting_lama/lama.py: `image` = blobFromImage(bgr, 0.00392, (512,512)),
 * i.e. float32 [1,3,512,512] BGR scaled 0..1; `mask` float32 [1,1,512,512], (mask > 0) -> 1 = hole; the output
 * [1,3,512,512] is BGR already in 0..255 (the demo only casts it to uint8).
 *
 * The zoo demo stretches the whole photo to 512. Here 512 windows with context run at the photo's own resolution over
 * the damaged parts; a window is read at a lower scale only when a hole is too thick to fill from 512 px of context.
 * Results are composited only inside a feathered mask, so undamaged pixels stay the photo's own.
 */
import { HeirloomError, throwIfAborted } from '../../errors'
import type { RgbImage } from '../../image/types'
import { pickOutput } from '../../runtime/contract'
import type { ModelSession, TensorData } from '../../runtime/types'
import type { ModelContract } from '../../../../shared/model-manifest'
import { free, loadOpenCv, type Cv } from './opencv'
import type { DamageMask } from './types'

export const LAMA_SIZE = 512

/** The zoo contract, for binding a session's tensors by name (else by position). */
export const LAMA_CONTRACT: ModelContract = {
  inputs: [
    { name: 'image', dims: [1, 3, LAMA_SIZE, LAMA_SIZE], dtype: 'float32' },
    { name: 'mask', dims: [1, 1, LAMA_SIZE, LAMA_SIZE], dtype: 'float32' }
  ],
  outputs: [{ name: 'output', dims: [1, 3, LAMA_SIZE, LAMA_SIZE], dtype: 'float32' }],
  layout: 'NCHW',
  channels: 'BGR',
  mean: [0, 0, 0],
  std: [1, 1, 1],
  outputRange: '[0,255]'
}

/**
 * For files other than the zoo's: channel dims left open, so an export listing `mask` before `image` under other
 * names passes the load-time check; `feeds` then pairs them by channel count.
 */
export const LAMA_FILE_CONTRACT: ModelContract = {
  ...LAMA_CONTRACT,
  inputs: [
    { name: 'image', dims: [1, 'ci', LAMA_SIZE, LAMA_SIZE], dtype: 'float32' },
    { name: 'mask', dims: [1, 'cm', LAMA_SIZE, LAMA_SIZE], dtype: 'float32' }
  ]
}

export interface LamaOptions {
  /** Context kept around the core of each window (px at window scale). */
  context?: number
  signal?: AbortSignal
  onWindow?: (done: number, total: number) => void
}

export interface LamaWindow {
  /** Source rectangle in the photo. */
  x: number
  y: number
  size: number
  /** Core rectangle this window writes (photo pixels). */
  core: [number, number, number, number]
}

type Mat = InstanceType<Cv['Mat']>

/**
 * Windows over the damage: a grid of 512 px windows whose cores (512 - 2*context) tile the photo, kept where the core
 * holds damage; plus one downscaled window per hole too thick for that context (its inscribed radius > context).
 */
export function planLamaWindows(cv: Cv, mask: DamageMask, context: number): { grid: LamaWindow[]; big: LamaWindow[] } {
  const { width: W, height: H } = mask
  const core = LAMA_SIZE - 2 * context
  const grid: LamaWindow[] = []
  for (let cy = 0; cy < H; cy += core) {
    for (let cx = 0; cx < W; cx += core) {
      const cw = Math.min(core, W - cx)
      const ch = Math.min(core, H - cy)
      if (!anyMasked(mask, cx, cy, cw, ch)) continue
      grid.push({ x: cx - context, y: cy - context, size: LAMA_SIZE, core: [cx, cy, cw, ch] })
    }
  }
  const big: LamaWindow[] = []
  const m = cv.matFromArray(H, W, cv.CV_8UC1, mask.data)
  const bin = new cv.Mat()
  const dist = new cv.Mat()
  const labels = new cv.Mat()
  const stats = new cv.Mat()
  const cent = new cv.Mat()
  try {
    cv.threshold(m, bin, 0, 255, cv.THRESH_BINARY)
    cv.distanceTransform(bin, dist, cv.DIST_L2, 3)
    const n = cv.connectedComponentsWithStats(bin, labels, stats, cent, 8, cv.CV_32S)
    const radius = new Float32Array(n)
    const lab = labels.data32S
    const d = dist.data32F
    for (let i = 0; i < lab.length; i++) if (d[i] > radius[lab[i]]) radius[lab[i]] = d[i]
    const st = stats.data32S
    for (let l = 1; l < n; l++) {
      if (radius[l] <= context) continue
      const [x, y, w, h] = [st[l * 5], st[l * 5 + 1], st[l * 5 + 2], st[l * 5 + 3]]
      // Enough context at this scale: the hole plus its own inscribed radius on every side, at least 512.
      const size = Math.max(LAMA_SIZE, Math.ceil(Math.max(w, h) + 2 * Math.max(context, radius[l])))
      big.push({ x: Math.round(x + w / 2 - size / 2), y: Math.round(y + h / 2 - size / 2), size, core: [x, y, w, h] })
    }
  } finally {
    free(m, bin, dist, labels, stats, cent)
  }
  return { grid, big }
}

function anyMasked(mask: DamageMask, x0: number, y0: number, w: number, h: number): boolean {
  for (let y = y0; y < y0 + h; y++) {
    const row = y * mask.width
    for (let x = x0; x < x0 + w; x++) if (mask.data[row + x] !== 0) return true
  }
  return false
}

/** Reads a window (reflecting at the photo's edges), scaled to 512 when larger. */
function readWindow(cv: Cv, src: Mat, win: LamaWindow, interp: number): Mat {
  const W = src.cols
  const H = src.rows
  const x0 = Math.max(0, win.x)
  const y0 = Math.max(0, win.y)
  const x1 = Math.min(W, win.x + win.size)
  const y1 = Math.min(H, win.y + win.size)
  const roi = src.roi(new cv.Rect(x0, y0, x1 - x0, y1 - y0))
  const padded = new cv.Mat()
  // Photos smaller than a window: reflect (mask pads with 0, nothing to fill there).
  const border = src.channels() === 1 ? cv.BORDER_CONSTANT : cv.BORDER_REFLECT_101
  const pad = (a: number): number => Math.max(0, a)
  try {
    cv.copyMakeBorder(
      roi,
      padded,
      pad(y0 - win.y),
      pad(win.y + win.size - y1),
      pad(x0 - win.x),
      pad(win.x + win.size - x1),
      border,
      new cv.Scalar(0, 0, 0, 0)
    )
    if (win.size === LAMA_SIZE) return padded
    const out = new cv.Mat()
    cv.resize(padded, out, new cv.Size(LAMA_SIZE, LAMA_SIZE), 0, 0, interp)
    free(padded)
    return out
  } finally {
    free(roi)
  }
}

/**
 * Binds `image` and `mask` by channel count (the 1-channel input is the mask), which also covers exports listing
 * the mask first; else by name; else by position. Written here because the shared binder pairs leftovers by
 * position only and would hand the image to a mask-first export's mask.
 */
function feeds(session: ModelSession, image: Float32Array, mask: Float32Array): Record<string, TensorData> {
  const S = LAMA_SIZE
  const img: TensorData = { type: 'float32', data: image, dims: [1, 3, S, S] }
  const msk: TensorData = { type: 'float32', data: mask, dims: [1, 1, S, S] }
  const inputs = session.inputs
  if (inputs.length !== 2) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `LaMa: expected 2 inputs (image, mask), found ${inputs.length} (${session.inputNames.join(', ')}). Is this the right file?`
    )
  }
  const names = inputs.map((i) => i.name)
  // Channel counts decide first: the engine may present a renamed export under the contract's names by position,
  // which for a mask-first export puts "image" on the 1-channel input.
  const oneChannel = inputs.findIndex((i) => i.dims[1] === 1)
  if (oneChannel >= 0 && inputs[1 - oneChannel].dims[1] !== 1) {
    return { [names[1 - oneChannel]]: img, [names[oneChannel]]: msk }
  }
  if (names.includes('image') && names.includes('mask')) return { image: img, mask: msk }
  return { [names[0]]: img, [names[1]]: msk }
}

/**
 * Inpaints inside `mask` with a LaMa session. Pixels outside the feathered mask are the input's, byte for byte.
 */
export async function inpaintLama(
  session: ModelSession,
  image: RgbImage,
  mask: DamageMask,
  opts: LamaOptions = {}
): Promise<RgbImage> {
  const cv = await loadOpenCv()
  const { width: W, height: H } = image
  const context = opts.context ?? 96
  const plan = planLamaWindows(cv, mask, context)
  const total = plan.grid.length + plan.big.length
  const src = cv.matFromArray(H, W, cv.CV_8UC3, image.data)
  const m = cv.matFromArray(H, W, cv.CV_8UC1, mask.data)
  // Filled colour per pixel, accumulated from the windows, then blended in through the feathered alpha.
  const filled = Float32Array.from(image.data)
  const S = LAMA_SIZE
  const plane = S * S
  let done = 0
  try {
    // Large holes first at their lower scale, then full-resolution windows refine everything thin on top.
    for (const win of [...plan.big, ...plan.grid]) {
      throwIfAborted(opts.signal)
      const wi = readWindow(cv, src, win, cv.INTER_AREA)
      const wm = readWindow(cv, m, win, cv.INTER_NEAREST)
      const imageT = new Float32Array(3 * plane)
      const maskT = new Float32Array(plane)
      const px = wi.data
      const mk = wm.data
      for (let i = 0; i < plane; i++) {
        // RGB -> BGR planes, x * 0.00392 as blobFromImage's scale factor in the zoo demo.
        imageT[i] = px[i * 3 + 2] * 0.00392
        imageT[plane + i] = px[i * 3 + 1] * 0.00392
        imageT[2 * plane + i] = px[i * 3] * 0.00392
        maskT[i] = mk[i] > 0 ? 1 : 0
      }
      free(wi, wm)
      let out
      try {
        const res = await session.run(feeds(session, imageT, maskT), { signal: opts.signal })
        out = pickOutput(session, LAMA_CONTRACT, res)
      } catch (err) {
        if (err instanceof HeirloomError) throw err
        throw new HeirloomError('MODEL_RUNTIME', `LaMa failed: ${(err as Error).message}`, { modelId: 'lama-2025jan' })
      }
      if (out.data.length !== 3 * plane) {
        throw new HeirloomError(
          'MODEL_CONTRACT',
          `LaMa: output has ${out.data.length} values, expected 3x${S}x${S}. Is this the right file?`
        )
      }
      const o = out.data as Float32Array
      const k = win.size / S
      const [cx, cy, cw, ch] = win.core
      for (let y = cy; y < cy + ch; y++) {
        for (let x = cx; x < cx + cw; x++) {
          // Nearest sample of the window output (k = 1 at full resolution, so exact there).
          const sx = Math.min(S - 1, Math.floor((x - win.x + 0.5) / k))
          const sy = Math.min(S - 1, Math.floor((y - win.y + 0.5) / k))
          const s = sy * S + sx
          const i = (y * W + x) * 3
          filled[i] = clamp(o[2 * plane + s])
          filled[i + 1] = clamp(o[plane + s])
          filled[i + 2] = clamp(o[s])
        }
      }
      opts.onWindow?.(++done, total)
    }
  } finally {
    free(src, m)
  }
  return composite(cv, image, filled, mask)
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Number.isFinite(v) ? v : 0)

/** alpha = 1 inside the mask, falling off over ~3 px outside it (a blur of the mask grown by 2 px). */
function composite(cv: Cv, image: RgbImage, filled: Float32Array, mask: DamageMask): RgbImage {
  const { width: W, height: H } = image
  const m = cv.matFromArray(H, W, cv.CV_8UC1, mask.data)
  const grown = new cv.Mat()
  const alpha = new cv.Mat()
  const kernel = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(5, 5))
  try {
    cv.threshold(m, grown, 0, 255, cv.THRESH_BINARY)
    cv.dilate(grown, grown, kernel)
    cv.GaussianBlur(grown, alpha, new cv.Size(7, 7), 0)
    const a = alpha.data
    const out = Uint8Array.from(image.data)
    for (let i = 0; i < W * H; i++) {
      const t = mask.data[i] ? 1 : a[i] / 255
      if (t === 0) continue
      for (let c = 0; c < 3; c++) {
        const j = i * 3 + c
        out[j] = Math.round(image.data[j] + (filled[j] - image.data[j]) * t)
      }
    }
    return { width: W, height: H, data: out }
  } finally {
    free(m, grown, alpha, kernel)
  }
}
