import { useEffect } from 'react'
import { useEditor } from '../state/store'
import type { EditorState } from '../state/types'

const isTyping = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement &&
  (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable)

const isRange = (t: EventTarget | null): boolean => t instanceof HTMLInputElement && t.type === 'range'

/** The mask tool's own keys; false when `key` is not one of them (it then keeps its usual meaning). */
function maskKey(e: KeyboardEvent, s: EditorState): boolean {
  const key = e.key
  if (e.ctrlKey || e.metaKey) {
    // Undo / redo a stroke; with none left, the key falls through to the edit history.
    return key.toLowerCase() === 'z' && (e.shiftKey ? s.redoMask() : s.undoMask())
  }
  if (e.altKey) return false
  if (key === 'b' || key === 'B') s.setBrush({ mode: 'brush' })
  else if (key === 'e' || key === 'E') s.setBrush({ mode: 'eraser' })
  else if (key === '[') s.stepBrushSize(-1)
  else if (key === ']') s.stepBrushSize(1)
  else if (key === '{') s.setBrush({ hardness: Math.round((s.brush.hardness - 0.1) * 10) / 10 })
  else if (key === '}') s.setBrush({ hardness: Math.round((s.brush.hardness + 0.1) * 10) / 10 })
  else return false
  return true
}

/**
 * Editor shortcuts: +/- 0 1 zoom, \ hold for the original, S/D compare modes, H face boxes, V/B/C/M tools, Delete
 * removes the selected faces, Ctrl+Z / Ctrl+Shift+Z undo/redo, Ctrl+A selects all faces, Escape clears.
 * With the mask tool: B brush, E eraser, [ / ] brush size, { / } hardness, and Ctrl+Z / Ctrl+Shift+Z undo and redo
 * strokes first (then the edit history once there is no stroke left to undo).
 */
export function useKeyboard(): void {
  useEffect(() => {
    const down = (e: KeyboardEvent): void => {
      const s = useEditor.getState()
      if (isTyping(e.target)) {
        // A slider has no use for the mask keys: [ ] right after dragging Size still resize the brush.
        if (isRange(e.target) && s.tool === 'mask' && maskKey(e, s)) e.preventDefault()
        return
      }
      const mod = e.ctrlKey || e.metaKey
      const key = e.key
      if (s.tool === 'mask' && maskKey(e, s)) {
        e.preventDefault()
        return
      }
      let handled = true
      if (mod && key.toLowerCase() === 'z') void (e.shiftKey ? s.redo() : s.undo())
      else if (mod && key.toLowerCase() === 'y') void s.redo()
      else if (mod && key.toLowerCase() === 'a') s.selectAll()
      else if (mod) handled = false
      else if (key === '+' || key === '=') s.view({ kind: 'in' })
      else if (key === '-' || key === '_') s.view({ kind: 'out' })
      else if (key === '0') s.view({ kind: 'fit' })
      else if (key === '1') s.view({ kind: 'actual' })
      else if (key === '\\') s.setHoldOriginal(true)
      else if (key === 's' || key === 'S') s.setCompare(s.compare === 'split' ? 'off' : 'split')
      else if (key === 'd' || key === 'D') s.setCompare(s.compare === 'side' ? 'off' : 'side')
      else if (key === 'h' || key === 'H') s.toggleOverlays()
      else if (key === 'v' || key === 'V') s.setTool('select')
      else if (key === 'b' || key === 'B') s.setTool('draw')
      else if (key === 'c' || key === 'C') s.setTool(s.tool === 'crop' ? 'select' : 'crop')
      else if (key === 'm' || key === 'M') s.toggleMaskTool()
      else if (key === 'Delete' || key === 'Backspace') void s.deleteSelectedFaces()
      else if (key === 'Escape') {
        s.clearSelection()
        s.setTool('select')
      } else handled = false
      if (handled) e.preventDefault()
    }
    const up = (e: KeyboardEvent): void => {
      if (e.key === '\\') useEditor.getState().setHoldOriginal(false)
    }
    window.addEventListener('keydown', down)
    window.addEventListener('keyup', up)
    return () => {
      window.removeEventListener('keydown', down)
      window.removeEventListener('keyup', up)
    }
  }, [])
}
