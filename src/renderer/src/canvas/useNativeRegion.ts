import { useEffect, useRef, useState } from 'react'
import { call } from '../api/client'
import type { Viewport } from './viewport'

/** A rectangle of the photo at its own pixels, drawn over the (capped) preview when zoomed past its resolution. */
export interface NativeRegion {
  image: HTMLImageElement
  /** Photo pixels it covers. */
  rect: [number, number, number, number]
}

/** Wait this long after the last zoom/pan before asking for the region (a drag or wheel spin asks once). */
const SETTLE_MS = 120
/** Extra photo pixels fetched around the visible area, so small pans stay sharp without a new request. */
const MARGIN = 64
/** The worker's region limit per side. */
const MAX_SIDE = 4096

/** The visible part of the photo (photo pixels, integers, with a margin), or null when nothing is visible. */
export function visibleRect(
  v: Viewport,
  stageW: number,
  stageH: number,
  imageW: number,
  imageH: number
): [number, number, number, number] | null {
  const x0 = Math.max(0, Math.floor(-v.x / v.scale) - MARGIN)
  const y0 = Math.max(0, Math.floor(-v.y / v.scale) - MARGIN)
  const x1 = Math.min(imageW, Math.ceil((stageW - v.x) / v.scale) + MARGIN, x0 + MAX_SIDE)
  const y1 = Math.min(imageH, Math.ceil((stageH - v.y) / v.scale) + MARGIN, y0 + MAX_SIDE)
  return x1 > x0 && y1 > y0 ? [x0, y0, x1 - x0, y1 - y0] : null
}

const inside = (a: readonly number[], b: readonly number[]): boolean =>
  a[0] >= b[0] && a[1] >= b[1] && a[0] + a[2] <= b[0] + b[2] && a[1] + a[3] <= b[1] + b[3]

function loadImage(bytes: Uint8Array, mime: string): Promise<{ image: HTMLImageElement; url: string }> {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }))
  const image = new window.Image()
  return new Promise((resolve, reject) => {
    image.onload = () => resolve({ image, url })
    image.onerror = () => {
      URL.revokeObjectURL(url)
      reject(new Error('region image did not decode'))
    }
    image.src = url
  })
}

/**
 * Previews are capped (PREVIEW_MAX_SIDE), so past the preview's own resolution the view would show resampled pixels.
 * There, this asks the worker for the visible rectangle at native pixels (one request per settled view and per edit
 * revision) and returns it for the image layer to draw over the preview.
 */
export function useNativeRegion(opts: {
  photoId: string | undefined
  variant: 'original' | 'edited'
  /** Preview pixels per photo pixel (preview width / photo width); no region is needed at or below it. */
  previewScale: number
  /** Whether this variant is shown at all (no edited preview -> no edited region). */
  enabled: boolean
  /** Changes when the edited photo changes (re-fetch). */
  revision: number
  view: Viewport
  stageW: number
  stageH: number
  imageW: number
  imageH: number
}): NativeRegion | null {
  const [region, setRegion] = useState<(NativeRegion & { url: string; key: string }) | null>(null)
  const { photoId, variant, previewScale, enabled, revision, view, stageW, stageH, imageW, imageH } = opts
  const zoomedPast = enabled && !!photoId && view.scale > previewScale * 1.001
  const want = zoomedPast ? visibleRect(view, stageW, stageH, imageW, imageH) : null
  const key = `${photoId}:${variant}:${revision}`
  const latest = useRef(region)
  latest.current = region
  const wantKey = want ? want.join(',') : ''

  useEffect(() => {
    if (!want || !photoId) return
    const have = latest.current
    // Still covered by what we have (same photo state): nothing to fetch.
    if (have && have.key === key && inside(want, have.rect)) return
    let alive = true
    const timer = setTimeout(() => {
      call(window.api.getRegion({ photoId, variant, rect: want }))
        .then((r) => loadImage(r.bytes, r.mime).then((img) => ({ ...img, rect: r.rect })))
        .then(
          ({ image, url, rect }) => {
            if (!alive) {
              URL.revokeObjectURL(url)
              return
            }
            setRegion((prev) => {
              if (prev) URL.revokeObjectURL(prev.url)
              return { image, url, rect, key }
            })
          },
          () => undefined // the preview stays; a later view change asks again
        )
    }, SETTLE_MS)
    return () => {
      alive = false
      clearTimeout(timer)
    }
    // wantKey stands for `want`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wantKey, key, photoId, variant])

  useEffect(
    () => () => {
      if (latest.current) URL.revokeObjectURL(latest.current.url)
    },
    []
  )
  // A region of another photo state is stale: never draw old pixels over new ones.
  if (!zoomedPast || !region || region.key !== key) return null
  return { image: region.image, rect: region.rect }
}
