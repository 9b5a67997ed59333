import { useEffect, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useEditor } from '../state/store'
import { PhotoStage } from './PhotoStage'
import { useElementSize } from './useElementSize'
import { useHtmlImage } from './useHtmlImage'
import { useNativeRegion } from './useNativeRegion'
import { useSplitPlacement } from './useSplitPlacement'
import { useViewport } from './useViewport'

/** Tracks the space bar (space+drag pans whatever the tool). */
function useSpaceDown(): boolean {
  const [down, setDown] = useState(false)
  useEffect(() => {
    const on = (e: KeyboardEvent): void => {
      if (e.code === 'Space' && !(e.target instanceof HTMLInputElement)) {
        e.preventDefault()
        setDown(e.type === 'keydown')
      }
    }
    window.addEventListener('keydown', on)
    window.addEventListener('keyup', on)
    return () => {
      window.removeEventListener('keydown', on)
      window.removeEventListener('keyup', on)
    }
  }, [])
  return down
}

/**
 * The canvas: one stage (compare off / split / hold-original) or two stages side by side sharing one viewport,
 * so zoom and pan stay synchronised.
 */
export function PhotoCanvas() {
  const hostRef = useRef<HTMLDivElement>(null)
  const size = useElementSize(hostRef)
  const { photo, original, edited, compare, holdOriginal, tool, revision } = useEditor(
    useShallow((s) => ({
      photo: s.photo,
      original: s.original,
      edited: s.edited,
      compare: s.compare,
      holdOriginal: s.holdOriginal,
      tool: s.tool,
      revision: s.edit?.revision ?? 0
    }))
  )
  const originalImg = useHtmlImage(original?.url)
  const editedImg = useHtmlImage(edited?.url)
  const side = compare === 'side' && !holdOriginal && edited !== null
  const stageW = side ? Math.floor((size.width - 4) / 2) : size.width
  const imageW = photo?.width ?? 1
  const imageH = photo?.height ?? 1
  const [view, setView] = useViewport(imageW, imageH, stageW, size.height)
  const spaceDown = useSpaceDown()
  const show = holdOriginal || !edited ? 'original' : compare === 'split' ? 'split' : 'edited'
  const region = { view, stageW, stageH: size.height, imageW, imageH, photoId: photo?.photoId }
  const originalRegion = useNativeRegion({
    ...region,
    variant: 'original',
    previewScale: original ? original.width / imageW : 1,
    enabled: original !== null,
    revision: 0
  })
  const editedRegion = useNativeRegion({
    ...region,
    variant: 'edited',
    previewScale: edited ? edited.width / imageW : 1,
    enabled: edited !== null && !holdOriginal,
    revision
  })
  useSplitPlacement(view, stageW, imageW, show === 'split')
  const common = {
    height: size.height,
    view,
    setView,
    imageW,
    imageH,
    spaceDown,
    original: originalImg,
    originalRegion,
    editedRegion
  }
  const native = originalRegion !== null || editedRegion !== null

  return (
    <div
      className={`canvas-host tool-${tool}${spaceDown ? ' panning' : ''}`}
      ref={hostRef}
      data-testid="canvas-host"
      data-compare={side ? 'side' : show}
    >
      {size.width > 0 && photo && !side && (
        <PhotoStage testId="stage-main" width={stageW} edited={editedImg} show={show} primary {...common} />
      )}
      {size.width > 0 && photo && side && (
        <div className="side-by-side">
          <div className="side-pane">
            <PhotoStage
              testId="stage-before"
              width={stageW}
              edited={null}
              show="original"
              primary={false}
              {...common}
            />
            <span className="pane-label">Before</span>
          </div>
          <div className="side-pane">
            <PhotoStage testId="stage-after" width={stageW} edited={editedImg} show="edited" primary {...common} />
            <span className="pane-label">After</span>
          </div>
        </div>
      )}
      {show === 'split' && (
        <>
          <span className="pane-label" aria-hidden>
            Before
          </span>
          <span className="pane-label right" aria-hidden>
            After
          </span>
        </>
      )}
      {holdOriginal && <span className="hold-label">Original</span>}
      {photo && (
        <span
          className="zoom-level"
          data-testid="zoom-level"
          data-native={native ? 'true' : 'false'}
          title={native ? 'Showing the photo’s own pixels' : undefined}
        >
          {Math.round(view.scale * 100)} %
        </span>
      )}
    </div>
  )
}
