import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useEditor } from '../state/store'
import type { EditorState } from '../state/types'
import { dividerStageX, fractionAtStageX, visibleImageSpan } from './split'
import type { ImageRect, Viewport } from './viewport'

/**
 * The face the divider goes through: the first selected face that has an edit, else the face edited last (enabled
 * layers only), else the first selected face. A face without an edit would look the same on both sides.
 */
export function splitTargetFace(s: Pick<EditorState, 'selected' | 'edit'>): number | null {
  if (!s.edit) return null
  const faces = s.edit.faces.length
  const edited = s.edit.layers.filter((l) => l.enabled && l.faceIndex < faces).map((l) => l.faceIndex)
  const selectedEdited = s.selected.find((i) => edited.includes(i))
  if (selectedEdited !== undefined) return selectedEdited
  if (edited.length > 0) return edited[edited.length - 1]
  const sel = s.selected[0]
  return sel !== undefined && sel < faces ? sel : null
}

const centreX = (box: ImageRect): number => box[0] + box[2] / 2
/** Stage pixels the divider keeps from the visible edges, so its line and handle stay grabbable. */
const EDGE = 12

/**
 * Split compare that shows the edit: the divider goes through the selected (or last edited) face whenever that
 * face, the set of edits or the mode changes, and comes back into view after a zoom or pan left it off-screen.
 * Between those moments it stays where the user dragged it.
 */
export function useSplitPlacement(view: Viewport, stageW: number, imageW: number, active: boolean): void {
  const { target, box, edits, split } = useEditor(
    useShallow((s) => {
      const target = splitTargetFace(s)
      const box = target === null ? null : (s.edit?.faces[target]?.box ?? null)
      return { target, box, edits: s.edit?.layers.length ?? 0, split: s.split }
    })
  )
  const boxCentre = box ? centreX(box) : null

  useEffect(() => {
    if (active && boxCentre !== null) useEditor.getState().setSplit(boxCentre / imageW)
    // A new target, a new edit or entering split mode recentres; zoom and pan are handled below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active, target, edits])

  useEffect(() => {
    if (!active || stageW <= 0) return
    const [lo, hi] = visibleImageSpan(view, imageW, stageW)
    if (hi - lo < 2 * EDGE) return
    const x = dividerStageX(view, imageW, split)
    if (x >= lo + EDGE && x <= hi - EDGE) return
    const faceX = boxCentre === null ? null : dividerStageX(view, imageW, boxCentre / imageW)
    const next = faceX !== null && faceX >= lo + EDGE && faceX <= hi - EDGE ? faceX : (lo + hi) / 2
    useEditor.getState().setSplit(fractionAtStageX(view, imageW, next))
  }, [active, view, stageW, imageW, split, boxCentre])
}
