import type Konva from 'konva'
import { Circle, Group, Layer, Line } from 'react-konva'
import { fractionAtStageX } from './split'
import type { Viewport } from './viewport'

interface Props {
  view: Viewport
  imageW: number
  imageH: number
  split: number
  onChange(fraction: number): void
}

/**
 * The before/after divider, placed at an image-space fraction so it follows zoom and pan. Dragging it is
 * constrained to horizontal moves; the drag position is converted back to a fraction.
 */
export function SplitDivider({ view, imageW, imageH, split, onChange }: Props) {
  const x = split * imageW
  const k = 1 / view.scale
  return (
    <Layer>
      <Group
        name="split-divider"
        x={x}
        y={0}
        draggable
        dragBoundFunc={(pos) => ({ x: pos.x, y: view.y })}
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
          points={[0, 0, 0, imageH]}
          stroke="#fff"
          strokeWidth={2}
          strokeScaleEnabled={false}
          hitStrokeWidth={16}
          shadowColor="#000"
          shadowBlur={4}
        />
        <Circle
          x={0}
          y={imageH / 2}
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
