import { call } from '../api/client'
import type { LoadedPreview } from './types'

/** Previews are capped so a huge scan stays light on IPC and GPU memory; Konva scales them to image pixels. */
export const PREVIEW_MAX_SIDE = 4096

export async function loadPreview(photoId: string, variant: 'original' | 'edited'): Promise<LoadedPreview> {
  const p = await call(window.api.getPreview({ photoId, variant, maxSide: PREVIEW_MAX_SIDE }))
  const blob = new Blob([p.bytes as Uint8Array<ArrayBuffer>], { type: p.mime })
  return { url: URL.createObjectURL(blob), width: p.width, height: p.height }
}

export function releasePreview(p: LoadedPreview | null): void {
  if (p) URL.revokeObjectURL(p.url)
}
