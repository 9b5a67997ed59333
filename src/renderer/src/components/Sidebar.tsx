import { type KeyboardEvent, type PointerEvent, useRef } from 'react'
import { usePersistentState } from '../hooks/usePersistentState'
import { AgeSection } from '../panels/AgeSection'
import { BatchPanel } from '../panels/BatchPanel'
import { ColourSection } from '../panels/ColourSection'
import { ExportPanel } from '../panels/ExportPanel'
import { FacesSection } from '../panels/FacesSection'
import { FirstRunCard } from '../panels/FirstRunCard'
import { HistoryPanel } from '../panels/HistoryPanel'
import { ModelsPanel } from '../panels/ModelsPanel'
import { RepairSection } from '../panels/RepairSection'
import { RestoreSection } from '../panels/RestoreSection'
import { useEditor } from '../state/store'
import type { PanelId } from '../state/types'
import { Collapsible } from './Collapsible'
import { PanelBoundary } from './PanelBoundary'

const TABS: { id: PanelId; label: string; title?: string }[] = [
  { id: 'edit', label: 'Edit' },
  { id: 'history', label: 'History' },
  { id: 'export', label: 'Export', title: 'Crop & Export' },
  { id: 'models', label: 'Models' },
  { id: 'batch', label: 'Batch' }
]

export const SIDEBAR_MIN = 240
export const SIDEBAR_MAX = 560
/** About a quarter of the window, never under the minimum: 1024 px windows keep most of their width for the photo. */
const defaultWidth = (): number => Math.round(Math.min(340, Math.max(SIDEBAR_MIN, window.innerWidth * 0.25)))
const clampWidth = (w: number): number =>
  Math.round(Math.min(SIDEBAR_MAX, Math.max(SIDEBAR_MIN, Math.min(w, window.innerWidth * 0.6))))

/** Re-fetches what the panels show, so "Reload panel" recovers from a bad payload as well as from a render bug. */
const reloadData = (): Promise<unknown> => {
  const s = useEditor.getState()
  return Promise.all([s.refreshModels(), s.loadSettings()])
}

/** Drag handle on the sidebar's left edge (also arrow keys), like Lightroom's panel edge. */
function ResizeHandle({ width, onWidth }: { width: number; onWidth(w: number): void }) {
  const drag = useRef<{ x: number; w: number } | null>(null)
  const move = (e: PointerEvent): void => {
    if (drag.current) onWidth(clampWidth(drag.current.w + drag.current.x - e.clientX))
  }
  const key = (e: KeyboardEvent): void => {
    const step = e.shiftKey ? 40 : 10
    if (e.key === 'ArrowLeft') onWidth(clampWidth(width + step))
    else if (e.key === 'ArrowRight') onWidth(clampWidth(width - step))
    else return
    e.preventDefault()
  }
  return (
    <div
      className="sidebar-resize"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the side panel"
      aria-valuenow={width}
      aria-valuemin={SIDEBAR_MIN}
      aria-valuemax={SIDEBAR_MAX}
      tabIndex={0}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId)
        drag.current = { x: e.clientX, w: width }
      }}
      onPointerMove={move}
      onPointerUp={() => (drag.current = null)}
      onPointerCancel={() => (drag.current = null)}
      onDoubleClick={() => onWidth(defaultWidth())}
      onKeyDown={key}
      data-testid="sidebar-resize"
    />
  )
}

export function Sidebar() {
  const panel = useEditor((s) => s.panel)
  const hasPhoto = useEditor((s) => s.photo !== null)
  const setPanel = useEditor((s) => s.setPanel)
  const [width, setWidth] = usePersistentState('sidebar.width', defaultWidth())
  const [collapsed, setCollapsed] = usePersistentState('sidebar.collapsed', false)
  if (collapsed) {
    return (
      <aside className="sidebar collapsed" aria-label="Side panel (folded)" data-testid="sidebar">
        <button
          type="button"
          className="sidebar-toggle"
          onClick={() => setCollapsed(false)}
          aria-label="Show the side panel"
          title="Show the side panel"
          data-testid="sidebar-expand"
        >
          ‹
        </button>
      </aside>
    )
  }
  return (
    <aside className="sidebar" style={{ width: clampWidth(width) }} aria-label="Side panel" data-testid="sidebar">
      <ResizeHandle width={clampWidth(width)} onWidth={setWidth} />
      <div className="tabs-row">
        <nav className="tabs" role="tablist" aria-label="Panels">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`tab-${t.id}`}
              aria-controls="side-tabpanel"
              aria-selected={panel === t.id}
              className={panel === t.id ? 'on' : ''}
              onClick={() => setPanel(t.id)}
              title={t.title}
              data-testid={`tab-${t.id}`}
            >
              {t.label}
            </button>
          ))}
        </nav>
        <button
          type="button"
          className="sidebar-toggle"
          onClick={() => setCollapsed(true)}
          aria-label="Fold the side panel away"
          title="Fold the side panel away"
          data-testid="sidebar-collapse"
        >
          ›
        </button>
      </div>
      <div
        className="panel-body"
        id="side-tabpanel"
        role="tabpanel"
        aria-labelledby={`tab-${panel}`}
        data-testid={`panel-${panel}`}
      >
        {panel === 'edit' && (
          <PanelBoundary name="Edit panel" onReload={reloadData}>
            <FirstRunCard />
            {hasPhoto ? (
              <>
                <Collapsible id="faces" title="Faces">
                  <PanelBoundary name="Faces section" onReload={reloadData}>
                    <FacesSection />
                  </PanelBoundary>
                </Collapsible>
                <Collapsible id="repair" title="Repair">
                  <PanelBoundary name="Repair section" onReload={reloadData}>
                    <RepairSection />
                  </PanelBoundary>
                </Collapsible>
                <Collapsible id="colour" title="Colour">
                  <PanelBoundary name="Colour section" onReload={reloadData}>
                    <ColourSection />
                  </PanelBoundary>
                </Collapsible>
                <Collapsible id="restore" title="Restore">
                  <PanelBoundary name="Restore section" onReload={reloadData}>
                    <RestoreSection />
                  </PanelBoundary>
                </Collapsible>
                <Collapsible id="age" title="Age">
                  <PanelBoundary name="Age section" onReload={reloadData}>
                    <AgeSection />
                  </PanelBoundary>
                </Collapsible>
              </>
            ) : (
              <p className="hint">Open a photo (Ctrl+O) or drop one on the window.</p>
            )}
          </PanelBoundary>
        )}
        {panel === 'history' && (
          <PanelBoundary name="History panel" onReload={reloadData}>
            <HistoryPanel />
          </PanelBoundary>
        )}
        {panel === 'export' && (
          <PanelBoundary name="Crop & Export panel" onReload={reloadData}>
            <ExportPanel />
          </PanelBoundary>
        )}
        {panel === 'models' && (
          <PanelBoundary name="Models panel" onReload={reloadData}>
            <ModelsPanel />
          </PanelBoundary>
        )}
        {panel === 'batch' && (
          <PanelBoundary name="Batch panel" onReload={reloadData}>
            <BatchPanel />
          </PanelBoundary>
        )}
      </div>
    </aside>
  )
}
