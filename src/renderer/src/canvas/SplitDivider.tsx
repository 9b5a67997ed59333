import type Konva from 'konva'
import { Circle, Group, Layer, Line } from 'react-konva'
import { fractionAtStageX, visibleImageSpan } from './split'
import type { Viewport } from './viewport'

interface Props {
  view: Viewport
  imageW: number
  imageH: number
  /** Stage size: the line spans, and the handle sits in the middle of, the part of the photo on screen. */
  stageW: number
  stageH: number
  split: number
  onChange(fraction: number): void
}

/**
 * The before/after divider, placed at an image-space fraction so it follows zoom and pan. It can be dragged
 * anywhere across the visible photo (line or handle); the drag position is converted back to a fraction.
 */
export function SplitDivider({ view, imageW, imageH, stageW, stageH, split, onChange }: Props) {
  const x = split * imageW
  const k = 1 / view.scale
  const top = Math.max(0, -view.y / view.scale)
  const bottom = Math.min(imageH, (stageH - view.y) / view.scale)
  const [lo, hi] = visibleImageSpan(view, imageW, stageW)
  return (
    <Layer>
      <Group
        name="split-divider"
        x={x}
        y={0}
        draggable
        dragBoundFunc={(pos) => ({ x: Math.min(hi, Math.max(lo, pos.x)), y: view.y })}
        onDragMove={(e: Konva.KonvaEventObject<DragEvent>) => {
          onChange(fractionAtStageX(view, imageW, e.target.getAbsolutePosition().x))
        }}
        onMouseEnter={(e) => {
          const c = e.target.getStage()?.container()
          if (c) c.style.cursor = 'ew-resize'
        }}
        onMouseLeave={(e) => {
          const c = e.target.getStage()?.container()
          if (c) c.style.cursor = ''
        }}
      >
        <Line
          points={[0, top, 0, bottom]}
          stroke="#fff"
          strokeWidth={2}
          strokeScaleEnabled={false}
          hitStrokeWidth={24 * k}
          shadowColor="#000"
          shadowBlur={4}
        />
        <Circle
          name="split-handle"
          x={0}
          y={(top + bottom) / 2}
          radius={12 * k}
          fill="#fff"
          stroke="#333"
          strokeWidth={1}
          strokeScaleEnabled={false}
        />
      </Group>
    </Layer>
  )
}
