import type Konva from 'konva'
import { useState } from 'react'
import { Circle, Group, Layer, Rect, Text } from 'react-konva'
import type { Face } from '../../../shared/faces'

interface Props {
  faces: readonly Face[]
  selected: readonly number[]
  scale: number
  interactive: boolean
  onSelect(index: number, additive: boolean): void
  onZoomTo(index: number): void
}

const ACCENT = '#f0b35a'
const SELECTED = '#4fc3f7'
const USER = '#b39ddb'

/** Numbered face boxes; landmarks on hover; click selects, shift-click adds, double-click zooms to the face. */
export function FaceLayer({ faces, selected, scale, interactive, onSelect, onZoomTo }: Props) {
  const [hover, setHover] = useState(-1)
  const k = 1 / scale
  return (
    <Layer listening={interactive}>
      {faces.map((f, i) => {
        const [x, y, w, h] = f.box
        const isSel = selected.includes(i)
        const colour = isSel ? SELECTED : f.source === 'user' ? USER : ACCENT
        return (
          <Group
            key={i}
            name={`face-${i}`}
            onMouseEnter={(e: Konva.KonvaEventObject<MouseEvent>) => {
              setHover(i)
              const c = e.target.getStage()?.container()
              if (c) c.style.cursor = 'pointer'
            }}
            onMouseLeave={(e: Konva.KonvaEventObject<MouseEvent>) => {
              setHover(-1)
              const c = e.target.getStage()?.container()
              if (c) c.style.cursor = ''
            }}
            onClick={(e: Konva.KonvaEventObject<MouseEvent>) => {
              e.cancelBubble = true
              onSelect(i, e.evt.shiftKey || e.evt.ctrlKey || e.evt.metaKey)
            }}
            onTap={() => onSelect(i, false)}
            onDblClick={(e: Konva.KonvaEventObject<MouseEvent>) => {
              e.cancelBubble = true
              onZoomTo(i)
            }}
          >
            <Rect
              x={x}
              y={y}
              width={w}
              height={h}
              stroke={colour}
              strokeWidth={isSel ? 3 : 2}
              strokeScaleEnabled={false}
              fill={isSel ? 'rgba(79,195,247,0.08)' : 'rgba(0,0,0,0.001)'}
            />
            <Rect x={x} y={y - 20 * k} width={22 * k} height={20 * k} fill={colour} />
            <Text
              x={x}
              y={y - 20 * k}
              width={22 * k}
              height={20 * k}
              text={String(i + 1)}
              fontSize={14 * k}
              fontStyle="bold"
              fill="#111"
              align="center"
              verticalAlign="middle"
            />
            {(hover === i || isSel) &&
              f.landmarks.map((p, j) => (
                <Circle
                  key={j}
                  x={p[0]}
                  y={p[1]}
                  radius={3 * k}
                  fill={j === 2 ? '#ff7043' : '#66bb6a'}
                  stroke="#111"
                  strokeWidth={1}
                  strokeScaleEnabled={false}
                />
              ))}
          </Group>
        )
      })}
    </Layer>
  )
}
