import { useShallow } from 'zustand/react/shallow'
import { useModelNames } from '../components/useModelNames'
import { useEditor } from '../state/store'

/** Faces with their numbers, per-face edit toggles, select all / delete / draw / re-detect. */
export function FacesSection() {
  const { edit, selected, detecting } = useEditor(
    useShallow((s) => ({ edit: s.edit, selected: s.selected, detecting: s.detecting }))
  )
  const s = useEditor.getState()
  const name = useModelNames()
  const faces = edit?.faces ?? []
  return (
    <section className="panel-section" data-testid="faces-section">
      <h3>Faces</h3>
      <div className="row wrap">
        <button type="button" onClick={s.selectAll} disabled={faces.length === 0} data-testid="select-all">
          Select all
        </button>
        <button
          type="button"
          onClick={() => s.setTool('draw')}
          title="Draw a box around a face the detector missed (B)"
          data-testid="draw-face"
        >
          Draw face
        </button>
        <button
          type="button"
          onClick={() => void s.deleteSelectedFaces()}
          disabled={selected.length === 0}
          title="Delete the selected faces (Delete)"
          data-testid="delete-faces"
        >
          Delete
        </button>
        <button type="button" onClick={() => void s.detect()} disabled={detecting} data-testid="redetect">
          Find again
        </button>
      </div>
      {faces.length === 0 ? (
        <p className="hint">{detecting ? 'Finding faces…' : 'No faces yet. Draw a box around a face to add it.'}</p>
      ) : (
        <ul className="face-list">
          {faces.map((f, i) => {
            const layers = edit?.layers.filter((l) => l.faceIndex === i) ?? []
            return (
              <li key={i} className={selected.includes(i) ? 'selected' : ''} data-testid={`face-item-${i}`}>
                <button
                  type="button"
                  className="face-pick"
                  onClick={(e) => s.selectFace(i, e.shiftKey || e.ctrlKey || e.metaKey)}
                  onDoubleClick={() => s.view({ kind: 'face', index: i })}
                >
                  <b>{i + 1}</b> {f.source === 'user' ? 'drawn' : `${Math.round(f.score * 100)} %`} ·{' '}
                  {Math.round(f.box[2])}×{Math.round(f.box[3])}
                </button>
                {layers.map((l) => (
                  <label
                    key={l.id}
                    className="layer-toggle"
                    title={`${l.op} with ${name(l.model) ?? l.model} at ${Math.round(l.strength * 100)} %`}
                  >
                    <input
                      type="checkbox"
                      checked={l.enabled}
                      onChange={(e) => void s.toggleLayer(l.id, e.target.checked)}
                      data-testid={`layer-${i}-${l.op}`}
                    />
                    {l.op}
                  </label>
                ))}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
