import { useShallow } from 'zustand/react/shallow'
import { useEditor } from '../state/store'
import type { CompareMode, Tool } from '../state/types'
import { overlaysShown } from '../state/ui-slice'

// `more` is dropped from the button under 1440 px (CSS .long); the tooltip always has the full name.
const TOOLS: { id: Tool; label: string; more?: string; key: string }[] = [
  { id: 'select', label: 'Select', key: 'V' },
  { id: 'draw', label: 'Draw', more: ' face', key: 'B' },
  { id: 'crop', label: 'Crop', key: 'C' }
]
const COMPARE: { id: CompareMode; label: string; more?: string; key: string }[] = [
  { id: 'off', label: 'After', key: '' },
  { id: 'split', label: 'Split', key: 'S' },
  { id: 'side', label: 'Side', more: ' by side', key: 'D' }
]

const formatBytes = (n: number): string =>
  n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`

export function Toolbar() {
  const { photo, busy, tool, compare, edit, settings, holdOriginal, hasEdit, overlays } = useEditor(
    useShallow((s) => ({
      photo: s.photo,
      busy: s.busy,
      tool: s.tool,
      compare: s.compare,
      edit: s.edit,
      settings: s.settings,
      holdOriginal: s.holdOriginal,
      hasEdit: s.edited !== null,
      overlays: overlaysShown(s)
    }))
  )
  const s = useEditor.getState()
  const canUndo = !!edit && edit.cursor > 0
  const canRedo = !!edit && edit.cursor < edit.history.length - 1
  const recent = settings?.recent ?? []
  const theme = settings?.theme ?? 'system'
  return (
    <header className="toolbar">
      <button
        type="button"
        onClick={() => void s.openViaDialog()}
        disabled={busy}
        data-testid="open-photo"
        title="Open photo (Ctrl+O)"
      >
        Open<span className="long"> photo</span>
      </button>
      <select
        aria-label="Recent files"
        data-testid="recent"
        value=""
        disabled={recent.length === 0}
        onChange={(e) => e.target.value !== '' && void s.openRecent(Number(e.target.value))}
      >
        <option value="">Recent…</option>
        {recent.map((r, i) => (
          <option key={`${r.folder}/${r.fileName}`} value={i} title={`${r.folder}/${r.fileName}`}>
            {r.fileName}
          </option>
        ))}
      </select>
      {photo && (
        <>
          <span className="sep" />
          <div className="group" role="group" aria-label="Tools">
            {TOOLS.map((t) => (
              <button
                key={t.id}
                type="button"
                className={tool === t.id ? 'on' : ''}
                aria-pressed={tool === t.id}
                onClick={() => s.setTool(t.id)}
                title={`${t.label}${t.more ?? ''} (${t.key})`}
                data-testid={`tool-${t.id}`}
              >
                {t.label}
                {t.more && <span className="long">{t.more}</span>}
              </button>
            ))}
          </div>
          <div className="group" role="group" aria-label="Zoom">
            <button type="button" onClick={() => s.view({ kind: 'out' })} title="Zoom out (-)" data-testid="zoom-out">
              −
            </button>
            <button type="button" onClick={() => s.view({ kind: 'fit' })} title="Fit (0)" data-testid="zoom-fit">
              Fit
            </button>
            <button type="button" onClick={() => s.view({ kind: 'actual' })} title="100 % (1)" data-testid="zoom-100">
              100%
            </button>
            <button type="button" onClick={() => s.view({ kind: 'in' })} title="Zoom in (+)" data-testid="zoom-in">
              +
            </button>
          </div>
          <div className="group" role="group" aria-label="Compare">
            {COMPARE.map((c) => (
              <button
                key={c.id}
                type="button"
                // Nothing is compared before the first edit: no mode looks active, so none claims to show one.
                className={hasEdit && compare === c.id ? 'on' : ''}
                aria-pressed={hasEdit && compare === c.id}
                disabled={!hasEdit}
                onClick={() => s.setCompare(c.id)}
                title={`${c.label}${c.more ?? ''}${c.key ? ` (${c.key})` : ''}${hasEdit ? '' : ': after the first edit'}`}
                data-testid={`compare-${c.id}`}
              >
                {c.label}
                {c.more && <span className="long">{c.more}</span>}
              </button>
            ))}
            <button
              type="button"
              disabled={!hasEdit}
              className={holdOriginal ? 'on' : ''}
              title="Hold to see the original (\)"
              data-testid="hold-original"
              onPointerDown={() => s.setHoldOriginal(true)}
              onPointerUp={() => s.setHoldOriginal(false)}
              onPointerLeave={() => s.setHoldOriginal(false)}
            >
              Original
            </button>
          </div>
          <button
            type="button"
            className={overlays ? 'on' : ''}
            aria-pressed={overlays}
            onClick={s.toggleOverlays}
            title="Show face boxes, numbers and landmarks (H)"
            data-testid="toggle-overlays"
          >
            Boxes
          </button>
          <div className="group" role="group" aria-label="History">
            <button
              type="button"
              disabled={!canUndo}
              onClick={() => void s.undo()}
              title="Undo (Ctrl+Z)"
              data-testid="undo"
            >
              Undo
            </button>
            <button
              type="button"
              disabled={!canRedo}
              onClick={() => void s.redo()}
              title="Redo (Ctrl+Shift+Z)"
              data-testid="redo"
            >
              Redo
            </button>
          </div>
          <span className="photo-info" data-testid="photo-info">
            <span
              className="photo-name"
              title={`${photo.fileName} — ${photo.width} × ${photo.height} px, ${formatBytes(photo.bytes)}`}
            >
              {photo.fileName}
            </span>
            <span className="photo-dims">
              &nbsp;— {photo.width} × {photo.height} px<span className="long">, {formatBytes(photo.bytes)}</span>
            </span>
          </span>
        </>
      )}
      <span className="spacer" />
      {busy && <span className="busy">Working…</span>}
      <select
        aria-label="Theme"
        data-testid="theme"
        value={theme}
        onChange={(e) => void s.updateSettings({ theme: e.target.value as 'system' | 'light' | 'dark' })}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </header>
  )
}
