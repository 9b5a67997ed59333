import { type DragEvent, useEffect, useState } from 'react'
import { friendlyMessage } from './api/client'
import { PhotoCanvas } from './canvas/PhotoCanvas'
import { useEditor } from './state/store'

const formatBytes = (n: number): string =>
  n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`

export function App() {
  const { photo, original, busy, error, openViaDialog, openDropped, clearError } = useEditor()
  const [dragging, setDragging] = useState(false)

  useEffect(() => window.api.onMenuAction(({ action }) => action === 'open' && void openViaDialog()), [openViaDialog])

  const onDrop = (e: DragEvent): void => {
    e.preventDefault()
    setDragging(false)
    const file = e.dataTransfer.files[0]
    if (file) void openDropped(file)
  }

  return (
    <div
      className={`app${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        e.preventDefault()
        setDragging(true)
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <header className="toolbar">
        <button type="button" onClick={() => void openViaDialog()} disabled={busy} data-testid="open-photo">
          Open photo
        </button>
        {photo && (
          <span className="photo-info" data-testid="photo-info">
            {photo.fileName} — {photo.width} × {photo.height} px, {formatBytes(photo.bytes)}
          </span>
        )}
        {busy && <span className="busy">Working…</span>}
      </header>
      {error && (
        <div className="error" role="alert" data-testid="error">
          <span>{friendlyMessage(error)}</span>
          <button type="button" onClick={clearError}>
            Dismiss
          </button>
        </div>
      )}
      <main className="workspace">
        {photo && original ? (
          <PhotoCanvas preview={original} imageWidth={photo.width} imageHeight={photo.height} />
        ) : (
          <div className="empty">Open a photo or drop it here.</div>
        )}
      </main>
    </div>
  )
}
