import { stat } from 'node:fs/promises'
import { HeirloomError } from '../core/errors'
import { encodePhoto } from '../core/image/encode'
import { resizeRgb } from '../core/image/resize'
import type { RgbImage } from '../core/image/types'
import type { EditSession, EditState } from '../core/pipeline/edit-session'
import { clampCropRect, cropRgb } from '../core/image/export-image'
import type { EncodedPreview, EncodedRegion, ExportResultInfo, RequestPayload } from './protocol'

/** Previews never exceed this side, so a 100 MP scan does not cross to the renderer at full size. */
export const MAX_PREVIEW_SIDE = 8192
/** Up to this many pixels previews are PNG (exact pixels, tests compare them); above, JPEG keeps them light. */
const PNG_PREVIEW_PIXELS = 4_000_000
/** A region render covers at most this many photo pixels per side (a zoomed-in view shows far fewer). */
export const REGION_MAX_SIDE = 4096

/**
 * One open photo in the worker: its edit session plus the composed image of the state shown now, cached so that
 * previews and exports of an unchanged state do not paste the faces again.
 */
export class OpenPhoto {
  rotation = 0
  private cache?: { state: EditState; key: string; image: RgbImage }

  constructor(public session: EditSession) {}

  /** The edited photo for the current state and output scale (shared: callers must not modify it). */
  composed(): RgbImage {
    const s = this.session
    const key = `${s.outputScale}:${s.backgroundId}`
    if (this.cache && this.cache.state === s.state && this.cache.key === key) return this.cache.image
    const live = s.layers.some((l) => l.enabled && l.strength > 0)
    // Nothing to paste at scale 1: the base itself (original or last photo edit), no copy.
    const image = !live && s.outputScale === 1 ? s.base : s.compose()
    this.cache = { state: s.state, key, image }
    return image
  }

  async preview(variant: 'original' | 'edited', maxSide?: number): Promise<EncodedPreview> {
    const source = variant === 'edited' ? this.composed() : this.session.photo.image
    const limit = Math.min(maxSide ?? MAX_PREVIEW_SIDE, MAX_PREVIEW_SIDE)
    const scale = Math.min(1, limit / Math.max(source.width, source.height))
    const image =
      scale < 1
        ? await resizeRgb(
            source,
            Math.max(1, Math.round(source.width * scale)),
            Math.max(1, Math.round(source.height * scale))
          )
        : source
    return this.encodeView(image, 92, this.grayOf(variant))
  }

  /** PNG up to PNG_PREVIEW_PIXELS (exact pixels), JPEG above; metadata never crosses to the renderer. */
  /** The original keeps the photo's own gray; the edit is gray unless a photo edit coloured its base. */
  private grayOf(variant: 'original' | 'edited'): boolean {
    return variant === 'edited' ? this.session.grayscale : this.session.photo.grayscale
  }

  private async encodeView(image: RgbImage, quality: number, grayscale: boolean): Promise<EncodedPreview> {
    const format = image.width * image.height <= PNG_PREVIEW_PIXELS ? 'png' : 'jpeg'
    const buf = await encodePhoto(image, {
      format,
      quality,
      keepMetadata: false,
      grayscale
    })
    return {
      mime: format === 'png' ? 'image/png' : 'image/jpeg',
      // sharp's output buffer is its own allocation, so it can be transferred to the main thread.
      bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength),
      width: image.width,
      height: image.height
    }
  }

  /**
   * A rectangle (photo pixels) of the original or the edited photo at its own pixels, for views zoomed past the
   * preview: no resampling of the original; the edited keeps its output scale's pixels (k per photo pixel).
   */
  async region(
    variant: 'original' | 'edited',
    rect: readonly [number, number, number, number]
  ): Promise<EncodedRegion> {
    const photo = this.session.photo.image
    const r = clampCropRect([rect[0], rect[1], rect[2], rect[3]], photo.width, photo.height)
    if (r.w > REGION_MAX_SIDE || r.h > REGION_MAX_SIDE) {
      throw new HeirloomError('INVALID_REQUEST', `A region may be at most ${REGION_MAX_SIDE} pixels on a side.`)
    }
    const source = variant === 'edited' ? this.composed() : photo
    const k = source.width / photo.width
    const image = cropRgb(source, [r.x * k, r.y * k, r.w * k, r.h * k])
    return { ...(await this.encodeView(image, 95, this.grayOf(variant))), rect: [r.x, r.y, r.w, r.h] }
  }

  /** Crop / before-after sheet / resize of the composed photo, written by the session's one export path. */
  async export(p: RequestPayload<'export'>): Promise<ExportResultInfo> {
    const saved = await this.session.export(p.output, {
      composed: this.composed(),
      format: p.format,
      quality: p.quality,
      overwrite: p.overwrite,
      protectedPaths: p.protectedPaths,
      ...(p.crop ? { crop: [p.crop[0], p.crop[1], p.crop[2], p.crop[3]] } : {}),
      beforeAfterSheet: p.beforeAfterSheet,
      resize: p.resize,
      keepMetadata: p.keepMetadata,
      provenance: p.provenance
    })
    const st = await stat(p.output)
    return {
      output: p.output,
      bytes: st.size,
      width: saved.width,
      height: saved.height,
      credentials: saved.credentials
    }
  }
}
