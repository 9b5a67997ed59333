import { useEditor } from '../state/store'

/** Every edit is a step; click one to go back to it. The original file is never touched. */
export function HistoryPanel() {
  const edit = useEditor((s) => s.edit)
  const s = useEditor.getState()
  if (!edit) return <p className="hint">Open a photo to see its history.</p>
  return (
    <section className="panel-section" data-testid="history-panel">
      <h3>History</h3>
      <div className="row">
        <button type="button" disabled={edit.cursor === 0} onClick={() => void s.undo()}>
          Undo
        </button>
        <button type="button" disabled={edit.cursor >= edit.history.length - 1} onClick={() => void s.redo()}>
          Redo
        </button>
      </div>
      <ol className="history-list">
        {edit.history.map((h, i) => (
          <li key={i} className={i === edit.cursor ? 'current' : i > edit.cursor ? 'future' : ''}>
            <button type="button" onClick={() => void s.gotoStep(i)} data-testid={`history-${i}`}>
              {h.label}
            </button>
          </li>
        ))}
      </ol>
      <p className="hint">The original file is never changed; export writes a new file.</p>
    </section>
  )
}
