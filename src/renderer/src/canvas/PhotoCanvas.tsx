import type Konva from 'konva'
import { useEffect, useRef, useState } from 'react'
import { Image as KonvaImage, Layer, Stage } from 'react-konva'
import type { LoadedPreview } from '../state/store'
import { useElementSize } from './useElementSize'
import { useHtmlImage } from './useHtmlImage'
import { fitViewport, stagePoint, type Viewport, wheelZoomFactor, zoomAt } from './viewport'

interface Props {
  preview: LoadedPreview
  /** Image pixels of the full photo; the preview may be smaller. */
  imageWidth: number
  imageHeight: number
}

/** The photo on a static layer; wheel zooms about the pointer, drag pans. */
export function PhotoCanvas({ preview, imageWidth, imageHeight }: Props) {
  const hostRef = useRef<HTMLDivElement>(null)
  const size = useElementSize(hostRef)
  const image = useHtmlImage(preview.url)
  const [view, setView] = useState<Viewport>({ scale: 1, x: 0, y: 0 })

  useEffect(() => {
    if (size.width > 0 && size.height > 0) setView(fitViewport(imageWidth, imageHeight, size.width, size.height))
  }, [imageWidth, imageHeight, size.width, size.height])

  const onWheel = (e: Konva.KonvaEventObject<WheelEvent>): void => {
    e.evt.preventDefault()
    const pointer = e.target.getStage()?.getPointerPosition()
    if (!pointer) return
    setView((v) => zoomAt(v, stagePoint(pointer.x, pointer.y), wheelZoomFactor(e.evt.deltaY)))
  }

  return (
    <div className="canvas-host" ref={hostRef} data-testid="canvas-host">
      {size.width > 0 && (
        <Stage
          width={size.width}
          height={size.height}
          x={view.x}
          y={view.y}
          scaleX={view.scale}
          scaleY={view.scale}
          draggable
          onWheel={onWheel}
          onDragEnd={(e) => {
            if (e.target === e.target.getStage()) setView((v) => ({ ...v, x: e.target.x(), y: e.target.y() }))
          }}
        >
          <Layer listening={false}>
            {image && <KonvaImage image={image} width={imageWidth} height={imageHeight} />}
          </Layer>
        </Stage>
      )}
    </div>
  )
}
