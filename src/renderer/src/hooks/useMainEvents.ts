import { useEffect } from 'react'
import { useEditor } from '../state/store'

/** Menu actions main forwards, mapped to store actions (the same names the keyboard uses). */
export function runMenuAction(action: string): void {
  const s = useEditor.getState()
  const table: Record<string, () => unknown> = {
    open: () => s.openViaDialog(),
    export: () => s.setPanel('export'),
    batch: () => s.setPanel('batch'),
    undo: () => s.undo(),
    redo: () => s.redo(),
    'select-all': () => s.selectAll(),
    settings: () => s.setPanel('models'),
    'zoom-in': () => s.view({ kind: 'in' }),
    'zoom-out': () => s.view({ kind: 'out' }),
    'zoom-fit': () => s.view({ kind: 'fit' }),
    'zoom-100': () => s.view({ kind: 'actual' }),
    'compare-split': () => s.setCompare('split'),
    'compare-side': () => s.setCompare('side'),
    'compare-off': () => s.setCompare('off'),
    'panel-models': () => s.setPanel('models')
  }
  void table[action]?.()
}

/** The ONE place main->renderer events are subscribed; every subscription is undone on unmount. */
export function useMainEvents(): void {
  useEffect(() => {
    const s = useEditor.getState()
    const offs = [
      window.api.onJobProgress((p) => useEditor.getState().onJobProgress(p)),
      window.api.onModelProgress((p) => useEditor.getState().onModelProgress(p)),
      window.api.onBatchProgress((p) => useEditor.getState().onBatchProgress(p)),
      window.api.onMenuAction(({ action }) => runMenuAction(action))
    ]
    void s.loadSettings()
    void s.refreshModels()
    return () => offs.forEach((off) => off())
  }, [])
}
