import { useEditor } from '../state/store'
import type { PanelId } from '../state/types'
import { AgeSection } from '../panels/AgeSection'
import { BatchPanel } from '../panels/BatchPanel'
import { ExportPanel } from '../panels/ExportPanel'
import { FacesSection } from '../panels/FacesSection'
import { HistoryPanel } from '../panels/HistoryPanel'
import { ModelsPanel } from '../panels/ModelsPanel'
import { RestoreSection } from '../panels/RestoreSection'

const TABS: { id: PanelId; label: string }[] = [
  { id: 'edit', label: 'Edit' },
  { id: 'history', label: 'History' },
  { id: 'export', label: 'Crop & Export' },
  { id: 'models', label: 'Models' },
  { id: 'batch', label: 'Batch' }
]

export function Sidebar() {
  const panel = useEditor((s) => s.panel)
  const hasPhoto = useEditor((s) => s.photo !== null)
  const setPanel = useEditor((s) => s.setPanel)
  return (
    <aside className="sidebar">
      <nav className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={panel === t.id}
            className={panel === t.id ? 'on' : ''}
            onClick={() => setPanel(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <div className="panel-body">
        {panel === 'edit' &&
          (hasPhoto ? (
            <>
              <FacesSection />
              <RestoreSection />
              <AgeSection />
            </>
          ) : (
            <p className="hint">Open a photo (Ctrl+O) or drop one on the window.</p>
          ))}
        {panel === 'history' && <HistoryPanel />}
        {panel === 'export' && <ExportPanel />}
        {panel === 'models' && <ModelsPanel />}
        {panel === 'batch' && <BatchPanel />}
      </div>
    </aside>
  )
}
