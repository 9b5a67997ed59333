import { useEffect } from 'react'
import { useEditor } from '../state/store'

const isTyping = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement &&
  (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable)

/**
 * Editor shortcuts: +/- 0 1 zoom, \ hold for the original, S/D compare modes, H face boxes, V/B/C tools, Delete
 * removes the selected faces, Ctrl+Z / Ctrl+Shift+Z undo/redo, Ctrl+A selects all faces, Escape clears.
 */
export function useKeyboard(): void {
  useEffect(() => {
    const down = (e: KeyboardEvent): void => {
      if (isTyping(e.target)) return
      const s = useEditor.getState()
      const mod = e.ctrlKey || e.metaKey
      const key = e.key
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
