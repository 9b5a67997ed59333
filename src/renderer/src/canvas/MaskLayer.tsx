import type Konva from 'konva'
import { useEffect, useMemo, useRef, useState } from 'react'
import { Circle, Image as KonvaImage, Layer } from 'react-konva'
import type { Brush, MaskEditor, Rect } from './mask-paint'
import { renderOverlay } from './mask-paint'
import { type ImagePoint, stagePoint, toImage, type Viewport } from './viewport'

interface Props {
  mask: MaskEditor
  view: Viewport
  imageW: number
  imageH: number
  brush: Brush
  /** The mask tool is active: the pointer paints and the brush circle follows it. */
  painting: boolean
  /** Space is held: the pointer pans instead. */
  panning: boolean
  shown: boolean
}

/** Draws the mask's changed rectangle into the overlay canvas (working size). */
function paintRect(ctx: CanvasRenderingContext2D, mask: MaskEditor, r: Rect): void {
  const w = r.x1 - r.x0
  const h = r.y1 - r.y0
  if (w <= 0 || h <= 0) return
  const img = ctx.createImageData(w, h)
  renderOverlay(mask.data, mask.width, r, img.data)
  ctx.putImageData(img, r.x0, r.y0)
}

/**
 * The damage mask over the photo (tinted, semi-transparent), in image space like the other layers, so it follows the
 * viewport. With the mask tool the pointer paints (brush adds, eraser removes) and a circle shows the brush at its
 * real size; strokes read every coalesced pointer sample and the editor fills the segments between them.
 */
export function MaskLayer({ mask, view, imageW, imageH, brush, painting, panning, shown }: Props) {
  const layerRef = useRef<Konva.Layer>(null)
  const canvas = useMemo(() => {
    const c = document.createElement('canvas')
    c.width = mask.width
    c.height = mask.height
    return c
  }, [mask])
  const [cursor, setCursor] = useState<ImagePoint | null>(null)
  // The latest props for the native pointer handlers, which are attached once per stage.
  const live = useRef({ view, brush, painting, panning })
  live.current = { view, brush, painting, panning }

  // Overlay pixels: all of them for a new mask, then just each changed rectangle.
  useEffect(() => {
    const ctx = canvas.getContext('2d')
    if (!ctx) return
    paintRect(ctx, mask, { x0: 0, y0: 0, x1: mask.width, y1: mask.height })
    layerRef.current?.batchDraw()
    let pending: Rect | null = null
    let frame = 0
    const off = mask.subscribe((r) => {
      if (!r) return
      pending = pending
        ? {
            x0: Math.min(pending.x0, r.x0),
            y0: Math.min(pending.y0, r.y0),
            x1: Math.max(pending.x1, r.x1),
            y1: Math.max(pending.y1, r.y1)
          }
        : r
      // One redraw per frame however many pointer samples arrived.
      frame ||= requestAnimationFrame(() => {
        frame = 0
        if (pending) paintRect(ctx, mask, pending)
        pending = null
        layerRef.current?.batchDraw()
      })
    })
    return () => {
      off()
      if (frame) cancelAnimationFrame(frame)
    }
  }, [canvas, mask])

  // Painting with native pointer events on the stage container: pointer capture keeps a stroke going outside the
  // photo or the window, and getCoalescedEvents gives every sample of a fast move.
  useEffect(() => {
    const el = layerRef.current?.getStage()?.container()
    if (!el) return
    let pointerId: number | null = null
    const at = (e: PointerEvent): ImagePoint => {
      const r = el.getBoundingClientRect()
      return toImage(live.current.view, stagePoint(e.clientX - r.left, e.clientY - r.top))
    }
    const down = (e: PointerEvent): void => {
      const l = live.current
      if (pointerId !== null && e.pointerId !== pointerId) {
        // A second finger: this is a pinch (zoom), not a stroke.
        el.releasePointerCapture(pointerId)
        pointerId = null
        mask.cancelStroke()
        return
      }
      if (!l.painting || l.panning || e.button !== 0 || pointerId !== null) return
      pointerId = e.pointerId
      el.setPointerCapture(e.pointerId)
      mask.beginStroke(l.brush, at(e))
      e.preventDefault()
    }
    const move = (e: PointerEvent): void => {
      if (live.current.painting) setCursor(at(e))
      if (e.pointerId !== pointerId) return
      const samples = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : []
      for (const s of samples.length > 0 ? samples : [e]) mask.extendStroke(at(s))
    }
    const up = (e: PointerEvent): void => {
      if (e.pointerId !== pointerId) return
      pointerId = null
      mask.endStroke()
    }
    const leave = (): void => setCursor(null)
    el.addEventListener('pointerdown', down)
    el.addEventListener('pointermove', move)
    el.addEventListener('pointerup', up)
    el.addEventListener('pointercancel', up)
    // A pointerup that never comes (the window lost focus mid-stroke) must not leave the stroke open for good.
    el.addEventListener('lostpointercapture', up)
    el.addEventListener('pointerleave', leave)
    return () => {
      el.removeEventListener('pointerdown', down)
      el.removeEventListener('pointermove', move)
      el.removeEventListener('pointerup', up)
      el.removeEventListener('pointercancel', up)
      el.removeEventListener('lostpointercapture', up)
      el.removeEventListener('pointerleave', leave)
      if (pointerId !== null) mask.endStroke()
    }
  }, [mask])

  const r = brush.size / 2
  return (
    <Layer ref={layerRef} listening={false} imageSmoothingEnabled={false} name="mask-layer">
      <KonvaImage image={canvas} x={0} y={0} width={imageW} height={imageH} visible={shown} name="mask-overlay" />
      {painting && !panning && cursor && (
        <>
          <Circle x={cursor.x} y={cursor.y} radius={r} stroke="#000" strokeWidth={3} strokeScaleEnabled={false} />
          <Circle
            x={cursor.x}
            y={cursor.y}
            radius={r}
            stroke={brush.mode === 'eraser' ? '#9be7ff' : '#fff'}
            strokeWidth={1.5}
            strokeScaleEnabled={false}
            name="brush-cursor"
          />
          {/* A soft brush marks as damage only where it covers at least half: that circle, fainter. */}
          {brush.hardness < 1 && r * view.scale >= 6 && (
            <Circle
              x={cursor.x}
              y={cursor.y}
              radius={(r * (1 + brush.hardness)) / 2}
              stroke="rgba(255,255,255,0.6)"
              strokeWidth={1}
              strokeScaleEnabled={false}
            />
          )}
        </>
      )}
    </Layer>
  )
}
