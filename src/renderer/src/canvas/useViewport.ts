import { useEffect, useRef, useState } from 'react'
import { useEditor } from '../state/store'
import { actualSize, fitViewport, stagePoint, type Viewport, zoomAt, zoomToRect } from './viewport'

const STEP = 1.25

/**
 * The shared viewport (image -> stage transform) of the canvas: fits on a new photo or resize, and executes the
 * store's view commands (fit, 100 %, zoom in/out about the centre, zoom to a face).
 */
export function useViewport(imageW: number, imageH: number, stageW: number, stageH: number) {
  const [view, setView] = useState<Viewport>({ scale: 1, x: 0, y: 0 })
  const command = useEditor((s) => s.viewCommand)
  const faces = useEditor((s) => s.edit?.faces)
  const fitted = useRef('')

  useEffect(() => {
    const key = `${imageW}x${imageH}@${stageW}x${stageH}`
    if (stageW > 0 && stageH > 0 && fitted.current !== key) {
      fitted.current = key
      setView(fitViewport(imageW, imageH, stageW, stageH))
    }
  }, [imageW, imageH, stageW, stageH])

  useEffect(() => {
    if (!command || stageW <= 0) return
    const centre = stagePoint(stageW / 2, stageH / 2)
    const c = command.cmd
    if (c.kind === 'fit') setView(fitViewport(imageW, imageH, stageW, stageH))
    else if (c.kind === 'actual') setView((v) => actualSize(v, centre))
    else if (c.kind === 'in') setView((v) => zoomAt(v, centre, STEP))
    else if (c.kind === 'out') setView((v) => zoomAt(v, centre, 1 / STEP))
    else if (c.kind === 'face') {
      const f = faces?.[c.index]
      if (f) setView(zoomToRect(f.box, stageW, stageH))
    }
    // Only a new command (seq) triggers; sizes are read at that moment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [command])

  return [view, setView] as const
}
