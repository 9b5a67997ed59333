import type Konva from 'konva'
import { useEffect, useRef } from 'react'
import { Layer, Rect, Transformer } from 'react-konva'
import { CROP_PRESETS, type CropPreset, clampRectKeepAspect, fitAspect } from './crop-geometry'
import type { ImageRect } from './viewport'

interface Props {
  rect: ImageRect
  preset: CropPreset
  imageW: number
  imageH: number
  /** Shown but not editable (another tool is active): the crop that Export will save stays visible. */
  passive?: boolean
  onChange(rect: ImageRect): void
}

const SHADE = 'rgba(0,0,0,0.55)'

/** Crop rectangle with a Konva Transformer; presets lock the ratio; the outside of the crop is shaded. */
export function CropLayer({ rect, preset, imageW, imageH, passive = false, onChange }: Props) {
  const rectRef = useRef<Konva.Rect>(null)
  const trRef = useRef<Konva.Transformer>(null)
  const aspect = CROP_PRESETS[preset]
  useEffect(() => {
    if (rectRef.current && trRef.current) {
      trRef.current.nodes([rectRef.current])
      trRef.current.getLayer()?.batchDraw()
    }
  }, [rect, preset])
  const [x, y, w, h] = rect
  const commit = (node: Konva.Rect): void => {
    const next: ImageRect = [
      node.x(),
      node.y(),
      Math.max(8, node.width() * node.scaleX()),
      Math.max(8, node.height() * node.scaleY())
    ]
    node.scaleX(1)
    node.scaleY(1)
    onChange(aspect === null ? fitAspect(next, null, imageW, imageH) : clampRectKeepAspect(next, imageW, imageH))
  }
  return (
    <Layer listening={!passive}>
      <Rect x={0} y={0} width={imageW} height={y} fill={SHADE} listening={false} />
      <Rect x={0} y={y + h} width={imageW} height={Math.max(0, imageH - y - h)} fill={SHADE} listening={false} />
      <Rect x={0} y={y} width={x} height={h} fill={SHADE} listening={false} />
      <Rect x={x + w} y={y} width={Math.max(0, imageW - x - w)} height={h} fill={SHADE} listening={false} />
      <Rect
        ref={rectRef}
        name="crop-rect"
        x={x}
        y={y}
        width={w}
        height={h}
        stroke="#fff"
        strokeWidth={1.5}
        strokeScaleEnabled={false}
        dash={[6, 4]}
        fill="rgba(255,255,255,0.001)"
        draggable={!passive}
        onDragEnd={(e) => commit(e.target as Konva.Rect)}
        onTransformEnd={(e) => commit(e.target as Konva.Rect)}
      />
      <Transformer
        ref={trRef}
        visible={!passive}
        rotateEnabled={false}
        keepRatio={aspect !== null}
        enabledAnchors={aspect !== null ? ['top-left', 'top-right', 'bottom-left', 'bottom-right'] : undefined}
        flipEnabled={false}
        anchorSize={10}
        borderStroke="#fff"
        anchorStroke="#fff"
        anchorFill="#333"
      />
    </Layer>
  )
}
