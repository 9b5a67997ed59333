import type Konva from 'konva'
import { useRef, useState } from 'react'
import { Layer, Rect, Stage } from 'react-konva'
import { useShallow } from 'zustand/react/shallow'
import { useEditor } from '../state/store'
import { currentMask } from '../state/mask-slice'
import { overlaysShown } from '../state/ui-slice'
import { CropLayer } from './CropLayer'
import { FaceLayer } from './FaceLayer'
import { ImageLayer } from './ImageLayer'
import { MaskLayer } from './MaskLayer'
import { SplitDivider } from './SplitDivider'
import type { NativeRegion } from './useNativeRegion'
import {
  type ImagePoint,
  type ImageRect,
  pinchViewport,
  rectFromDrag,
  stagePoint,
  toImage,
  type Viewport,
  wheelZoomFactor,
  zoomAt
} from './viewport'

interface Props {
  testId: string
  width: number
  height: number
  view: Viewport
  setView(v: Viewport | ((v: Viewport) => Viewport)): void
  original: HTMLImageElement | null
  edited: HTMLImageElement | null
  imageW: number
  imageH: number
  show: 'original' | 'edited' | 'split'
  /** Faces, crop and draw tools live on the primary stage only. */
  primary: boolean
  spaceDown: boolean
  originalRegion?: NativeRegion | null
  editedRegion?: NativeRegion | null
}

type Touches = { centre: ReturnType<typeof stagePoint>; dist: number }

function touchInfo(e: TouchEvent, el: HTMLElement): Touches | null {
  if (e.touches.length !== 2) return null
  const r = el.getBoundingClientRect()
  const [a, b] = [e.touches[0], e.touches[1]]
  return {
    centre: stagePoint((a.clientX + b.clientX) / 2 - r.left, (a.clientY + b.clientY) / 2 - r.top),
    dist: Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY)
  }
}

/** One Konva stage: static photo layer, then faces / split divider / crop / the box being drawn. */
export function PhotoStage(p: Props) {
  const { tool, selected, split, crop, overlays, mask, brush, maskShown } = useEditor(
    useShallow((s) => ({
      tool: s.tool,
      selected: s.selected,
      split: s.split,
      crop: s.crop,
      overlays: overlaysShown(s),
      mask: currentMask(s),
      brush: s.brush,
      maskShown: s.maskShown
    }))
  )
  const faces = useEditor((s) => s.edit?.faces) ?? []
  const { selectFace, clearSelection, view: viewCmd, setSplit, setCrop, addFaceBox } = useEditor.getState()
  const [drawing, setDrawing] = useState<{ a: ImagePoint; b: ImagePoint } | null>(null)
  const pinch = useRef<Touches | null>(null)
  const pan = p.spaceDown || tool === 'select' || !p.primary
  const pointer = (stage: Konva.Stage | null): ImagePoint | null => {
    const pos = stage?.getPointerPosition()
    return pos ? toImage(p.view, stagePoint(pos.x, pos.y)) : null
  }
  const drawRect: ImageRect | null = drawing ? rectFromDrag(drawing.a, drawing.b, p.imageW, p.imageH) : null

  return (
    <div data-testid={p.testId} className="stage-wrap">
      <Stage
        width={p.width}
        height={p.height}
        x={p.view.x}
        y={p.view.y}
        scaleX={p.view.scale}
        scaleY={p.view.scale}
        draggable={pan}
        onWheel={(e) => {
          e.evt.preventDefault()
          const pos = e.target.getStage()?.getPointerPosition()
          if (pos) p.setView((v) => zoomAt(v, stagePoint(pos.x, pos.y), wheelZoomFactor(e.evt.deltaY)))
        }}
        onDragMove={(e) => {
          if (e.target === e.target.getStage()) p.setView((v) => ({ ...v, x: e.target.x(), y: e.target.y() }))
        }}
        onDragEnd={(e) => {
          if (e.target === e.target.getStage()) p.setView((v) => ({ ...v, x: e.target.x(), y: e.target.y() }))
        }}
        onTouchMove={(e) => {
          const info = touchInfo(e.evt, e.target.getStage()!.container())
          if (!info) return
          e.evt.preventDefault()
          if (pinch.current) {
            const prev = pinch.current
            p.setView((v) => pinchViewport(v, prev, info))
          }
          pinch.current = info
        }}
        onTouchEnd={() => {
          pinch.current = null
        }}
        onMouseDown={(e) => {
          if (!p.primary || p.spaceDown || tool !== 'draw') return
          const at = pointer(e.target.getStage())
          if (at) setDrawing({ a: at, b: at })
        }}
        onMouseMove={(e) => {
          if (!drawing) return
          const at = pointer(e.target.getStage())
          if (at) setDrawing({ a: drawing.a, b: at })
        }}
        onMouseUp={() => {
          if (!drawing || !drawRect) return
          setDrawing(null)
          if (drawRect[2] >= 8 && drawRect[3] >= 8) void addFaceBox(drawRect)
        }}
        onClick={(e) => {
          if (e.target === e.target.getStage() && tool === 'select') clearSelection()
        }}
      >
        <ImageLayer
          original={p.original}
          edited={p.edited}
          imageW={p.imageW}
          imageH={p.imageH}
          show={p.show}
          split={split}
          originalRegion={p.originalRegion}
          editedRegion={p.edited ? p.editedRegion : null}
        />
        {p.primary && mask && (
          <MaskLayer
            mask={mask}
            view={p.view}
            imageW={p.imageW}
            imageH={p.imageH}
            brush={brush}
            painting={tool === 'mask'}
            panning={p.spaceDown}
            shown={maskShown}
          />
        )}
        {/* Both panes of Side by side draw the same overlays, so the two halves are judged alike. */}
        {tool !== 'crop' && (overlays || tool === 'draw') && (
          <FaceLayer
            faces={faces}
            selected={selected}
            scale={p.view.scale}
            interactive={tool === 'select'}
            onSelect={selectFace}
            onZoomTo={(index) => viewCmd({ kind: 'face', index })}
          />
        )}
        {p.primary && p.show === 'split' && p.edited && (
          <SplitDivider
            view={p.view}
            imageW={p.imageW}
            imageH={p.imageH}
            stageW={p.width}
            stageH={p.height}
            split={split}
            onChange={setSplit}
          />
        )}
        {p.primary && crop && (
          <CropLayer
            rect={crop.rect}
            preset={crop.preset}
            imageW={p.imageW}
            imageH={p.imageH}
            passive={tool !== 'crop'}
            onChange={(rect) => setCrop({ rect, preset: crop.preset })}
          />
        )}
        {drawRect && (
          <Layer listening={false}>
            <Rect
              x={drawRect[0]}
              y={drawRect[1]}
              width={drawRect[2]}
              height={drawRect[3]}
              stroke="#b39ddb"
              strokeWidth={2}
              dash={[6, 4]}
              strokeScaleEnabled={false}
            />
          </Layer>
        )}
      </Stage>
    </div>
  )
}
