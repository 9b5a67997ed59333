/**
 * Colourisation of a black-and-white photo with a frame-colouriser model. Only the chroma (a, b) comes from the
 * model, at its render size; the luminance is always the photo's own L at full resolution, so no grain is lost.
 *
 * Contracts from FaceFusion, facefusion/processors/modules/frame_colorizer/core.py (prepare_temp_frame, forward,
 * merge_color_frame), assets models-3.0.0:
 *  - ddcolor / ddcolor_artistic: gray -> RGB / 255 -> Lab with a = b = 0 -> RGB (the gray itself) -> resize to S ->
 *    NCHW float32 `input` [1,3,S,S]; first output [0][0] = ab [2,S,S] in Lab units -> resize, join with L.
 *  - deoldify / _artistic / _stable: gray -> RGB, raw 0..255 float32 -> resize -> NCHW; first output RGB 0..255
 *    [3,S,S] -> Lab, keep a, b (FaceFusion takes L from a channel of the 8-bit frame; we use the true L).
 * DDColor's own export (piddnad/DDColor scripts/export_onnx.py: `input` [B,3,512,512] -> `output` [B,2,512,512]) is
 * the ddcolor contract at a fixed S = 512: a fixed input size in the graph wins over the requested render size.
 */
import sharp from 'sharp'
import { HeirloomError } from '../../errors'
import type { RgbImage } from '../../image/types'
import type { ModelSession } from '../../runtime/types'
import { clamp8, encodeLinear8, labToLinear, lightness, rgbToLab } from './lab'

export type ColorizerFamily = 'ddcolor' | 'deoldify'

/** Render sizes FaceFusion offers (frame_colorizer choices); the "render factor" of DeOldify's UI. */
export const RENDER_SIZES = [192, 256, 384, 512] as const
export const DEFAULT_RENDER_SIZE = 256

export interface ColorizeOptions {
  /** Model input side S (default 256; a graph with a fixed size uses its own). */
  renderSize?: number
  /** Chroma strength 0..1 over the grayscale original (default 1, as FaceFusion). */
  blend?: number
  signal?: AbortSignal
}

export interface ColorizeResult {
  image: RgbImage
  renderSize: number
  blend: number
}

/** Rec.601 luma, as cv2.COLOR_BGR2GRAY (FaceFusion's first step). */
function luma(img: RgbImage): Uint8Array {
  const n = img.width * img.height
  const out = new Uint8Array(n)
  const d = img.data
  for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = (19595 * d[j] + 38470 * d[j + 1] + 7471 * d[j + 2] + 32768) >> 16
  return out
}

function fixedSide(session: ModelSession): number | undefined {
  const dims = session.inputs[0]?.dims ?? []
  const h = dims[2]
  const w = dims[3]
  return typeof h === 'number' && h > 0 && h === w ? h : undefined
}

/** The model input: the gray photo squashed to S x S (as cv2.resize does), planar, three equal channels. */
async function modelInput(gray: Uint8Array, img: RgbImage, s: number, family: ColorizerFamily): Promise<Float32Array> {
  const small = await sharp(gray, { raw: { width: img.width, height: img.height, channels: 1 } })
    .resize(s, s, { fit: 'fill' })
    // libvips hands a one-band raw image back as sRGB: take one band.
    .extractChannel(0)
    .raw()
    .toBuffer()
  const plane = s * s
  if (small.length !== plane)
    throw new HeirloomError('INTERNAL', `Resized gray has ${small.length} values, not ${plane}.`)
  const t = new Float32Array(3 * plane)
  // ddcolor: Lab(L, 0, 0) -> RGB of a gray pixel is that gray again, so RGB/255 is the contract's value.
  const scale = family === 'ddcolor' ? 1 / 255 : 1
  for (let i = 0; i < plane; i++) {
    const v = small[i] * scale
    t[i] = v
    t[plane + i] = v
    t[2 * plane + i] = v
  }
  return t
}

/** The model output as a, b planes at its own size, in Lab units. */
function chromaFromOutput(
  out: { data: ArrayLike<number>; dims: readonly number[] },
  family: ColorizerFamily,
  label: string
): { a: Float32Array; b: Float32Array; side: number } {
  const dims = out.dims
  const channels = family === 'ddcolor' ? 2 : 3
  const [h, w] = dims.length === 4 ? [dims[2], dims[3]] : dims.length === 3 ? [dims[1], dims[2]] : [0, 0]
  const c = dims.length === 4 ? dims[1] : dims[0]
  if (c !== channels || !(h > 0) || h !== w || out.data.length < channels * h * w) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `${label} returned a [${dims.join(',')}] tensor; a ${family} colouriser returns [1,${channels},S,S].`
    )
  }
  const plane = h * w
  const a = new Float32Array(plane)
  const b = new Float32Array(plane)
  if (family === 'ddcolor') {
    for (let i = 0; i < plane; i++) {
      a[i] = out.data[i]!
      b[i] = out.data[plane + i]!
    }
  } else {
    const rgb = new Uint8Array(plane * 3)
    for (let i = 0; i < plane; i++) {
      rgb[i * 3] = clamp8(out.data[i])
      rgb[i * 3 + 1] = clamp8(out.data[plane + i])
      rgb[i * 3 + 2] = clamp8(out.data[2 * plane + i])
    }
    const lab = rgbToLab(rgb, plane)
    a.set(lab.a)
    b.set(lab.b)
  }
  return { a, b, side: h }
}

/**
 * Bilinear upsampling of one chroma plane to the photo's size (pixel centres aligned, as cv2.resize INTER_LINEAR):
 * smooth at any ratio, so S = 256 on a 6000 px photo shows no blocks. Hand-written because sharp resizes 8/16-bit
 * images, not signed float planes.
 */
export function upsampleRow(
  src: Float32Array,
  side: number,
  width: number,
  height: number,
  row: Float32Array,
  y: number
): void {
  const sy = Math.min(side - 1, Math.max(0, ((y + 0.5) * side) / height - 0.5))
  const y0 = Math.floor(sy)
  const y1 = Math.min(side - 1, y0 + 1)
  const fy = sy - y0
  for (let x = 0; x < width; x++) {
    const sx = Math.min(side - 1, Math.max(0, ((x + 0.5) * side) / width - 0.5))
    const x0 = Math.floor(sx)
    const x1 = Math.min(side - 1, x0 + 1)
    const fx = sx - x0
    const top = src[y0 * side + x0] * (1 - fx) + src[y0 * side + x1] * fx
    const bot = src[y1 * side + x0] * (1 - fx) + src[y1 * side + x1] * fx
    row[x] = top * (1 - fy) + bot * fy
  }
}

/**
 * Joins the photo's L with the chroma; a colour outside the sRGB gamut is desaturated (never clipped per channel,
 * which would change its lightness), so the output's L equals the input's within 8-bit rounding.
 */
function joinLab(
  L: Float32Array,
  chroma: { a: Float32Array; b: Float32Array; side: number },
  w: number,
  h: number,
  blend: number
): Uint8Array {
  const out = new Uint8Array(w * h * 3)
  const ra = new Float32Array(w)
  const rb = new Float32Array(w)
  const px = new Float64Array(3)
  // Half an 8-bit level of slack at either end, in linear light.
  const inGamut = (): boolean =>
    px[0] >= -1e-4 && px[0] <= 1.002 && px[1] >= -1e-4 && px[1] <= 1.002 && px[2] >= -1e-4 && px[2] <= 1.002
  for (let y = 0; y < h; y++) {
    upsampleRow(chroma.a, chroma.side, w, h, ra, y)
    upsampleRow(chroma.b, chroma.side, w, h, rb, y)
    for (let x = 0; x < w; x++) {
      const i = y * w + x
      const l = L[i]
      const a = ra[x] * blend
      const b = rb[x] * blend
      labToLinear(l, a, b, px)
      if (!inGamut()) {
        let lo = 0
        let hi = 1
        for (let k = 0; k < 8; k++) {
          const mid = (lo + hi) / 2
          labToLinear(l, a * mid, b * mid, px)
          if (inGamut()) lo = mid
          else hi = mid
        }
        labToLinear(l, a * lo, b * lo, px)
      }
      out[i * 3] = encodeLinear8(px[0])
      out[i * 3 + 1] = encodeLinear8(px[1])
      out[i * 3 + 2] = encodeLinear8(px[2])
    }
  }
  return out
}

/** Colourises `img` (treated as grayscale: its luma is what the model sees) and returns the colour photo. */
export async function colorizeImage(
  session: ModelSession,
  family: ColorizerFamily,
  img: RgbImage,
  opts: ColorizeOptions = {},
  label: string = family
): Promise<ColorizeResult> {
  const blend = opts.blend ?? 1
  if (!(blend >= 0 && blend <= 1)) throw new HeirloomError('INVALID_REQUEST', `Blend must be 0..1 (got ${blend}).`)
  const requested = opts.renderSize ?? DEFAULT_RENDER_SIZE
  if (!Number.isInteger(requested) || requested < 64 || requested > 2048) {
    throw new HeirloomError('INVALID_REQUEST', `Render size must be a whole number 64..2048 (got ${requested}).`)
  }
  const input = session.inputs[0]
  if (
    !input ||
    (input.dims.length > 0 && (input.dims.length !== 4 || (typeof input.dims[1] === 'number' && input.dims[1] !== 3)))
  ) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `${label} takes ${input ? `[${input.dims.join(',')}]` : 'no input'}; a colouriser takes an image [1,3,S,S].`
    )
  }
  const s = fixedSide(session) ?? requested
  const gray = luma(img)
  const tensor = await modelInput(gray, img, s, family)
  const res = await session.run(
    { [input.name]: { type: 'float32', data: tensor, dims: [1, 3, s, s] } },
    {
      signal: opts.signal,
      outputs: [session.outputNames[0]]
    }
  )
  const out = res[session.outputNames[0]]
  if (!out) throw new HeirloomError('MODEL_CONTRACT', `${label} returned no output.`)
  const chroma = chromaFromOutput(out as { data: ArrayLike<number>; dims: readonly number[] }, family, label)
  // The photo's own lightness (of its true colours when a colour photo is forced through), never the model's.
  const L = lightness(img.data, gray.length)
  const data = joinLab(L, chroma, img.width, img.height, blend)
  return { image: { width: img.width, height: img.height, data }, renderSize: s, blend }
}
