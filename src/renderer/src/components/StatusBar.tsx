import { useShallow } from 'zustand/react/shallow'
import { useEditor } from '../state/store'
import { CredentialsBadge } from './CredentialsBadge'
import { ProgressBar } from './ProgressBar'

/** Bottom bar: the running job with per-face / per-tile progress and Cancel; otherwise the photo and face count. */
export function StatusBar() {
  const { job, photo, edit, detecting, selected } = useEditor(
    useShallow((s) => ({ job: s.job, photo: s.photo, edit: s.edit, detecting: s.detecting, selected: s.selected }))
  )
  return (
    <footer className="statusbar" data-testid="statusbar">
      {job ? (
        <>
          <span className="job-kind">
            {job.kind === 'restore' ? 'Restoring' : job.kind === 'age' ? 'Aging' : 'Working'}
          </span>
          <ProgressBar fraction={job.fraction} label={job.message ?? job.stage} testId="job-progress" />
          <button type="button" onClick={() => void useEditor.getState().cancelJob()} data-testid="cancel-job">
            Cancel
          </button>
        </>
      ) : detecting ? (
        <span>Finding faces…</span>
      ) : photo ? (
        <span data-testid="face-count">
          {edit ? `${edit.faces.length} face${edit.faces.length === 1 ? '' : 's'}` : ''}
          {selected.length > 0 ? ` · ${selected.length} selected` : ''}
          {edit && edit.outputScale !== 1 ? ` · output ×${edit.outputScale}` : ''}
        </span>
      ) : (
        <span>Ready</span>
      )}
      <CredentialsBadge />
    </footer>
  )
}
