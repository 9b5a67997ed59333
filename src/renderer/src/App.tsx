import { type DragEvent, useEffect, useState } from 'react'
import { PhotoCanvas } from './canvas/PhotoCanvas'
import { ErrorBanner } from './components/ErrorBanner'
import { PanelBoundary } from './components/PanelBoundary'
import { Sidebar } from './components/Sidebar'
import { StatusBar } from './components/StatusBar'
import { Toolbar } from './components/Toolbar'
import { useKeyboard } from './hooks/useKeyboard'
import { useMainEvents } from './hooks/useMainEvents'
import { useEditor } from './state/store'

/** A dropped folder becomes the batch input; a dropped file is opened. */
function onDropItems(e: DragEvent): void {
  const s = useEditor.getState()
  const items = Array.from(e.dataTransfer.items ?? [])
  const files = Array.from(e.dataTransfer.files)
  const first = files[0]
  if (!first) return
  const entry = items[0]?.webkitGetAsEntry?.()
  if (entry?.isDirectory) void s.useDroppedFolder(first)
  else void s.openDropped(first)
}

export function App() {
  useMainEvents()
  useKeyboard()
  const hasPhoto = useEditor((s) => s.photo !== null)
  const theme = useEditor((s) => s.settings?.theme ?? 'system')
  const [dragging, setDragging] = useState(false)

  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])

  return (
    <div
      className={`app${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        e.preventDefault()
        setDragging(true)
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault()
        setDragging(false)
        onDropItems(e)
      }}
    >
      <PanelBoundary name="toolbar">
        <Toolbar />
      </PanelBoundary>
      <ErrorBanner />
      <main className="workspace">
        <PanelBoundary name="photo view">
          {hasPhoto ? <PhotoCanvas /> : <div className="empty">Open a photo, or drop a photo or a folder here.</div>}
        </PanelBoundary>
        <Sidebar />
      </main>
      <PanelBoundary name="status bar">
        <StatusBar />
      </PanelBoundary>
    </div>
  )
}
