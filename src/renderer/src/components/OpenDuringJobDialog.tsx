import { useEffect, useRef } from 'react'
import { useEditor } from '../state/store'

/** Asked when the user opens a photo while a job runs: opening would otherwise wait behind the job. */
export function OpenDuringJobDialog() {
  const pending = useEditor((s) => s.pendingOpen !== null)
  const kind = useEditor((s) => s.job?.kind)
  const confirmRef = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (pending) confirmRef.current?.focus()
  }, [pending])
  if (!pending) return null
  const s = useEditor.getState()
  const what = kind === 'restore' ? 'Restoring' : kind === 'age' ? 'Aging' : 'A job'
  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="open-during-job-title"
        data-testid="open-during-job"
        onKeyDown={(e) => e.key === 'Escape' && s.dismissPendingOpen()}
      >
        <p id="open-during-job-title">{what} is still running. Cancel it and open another photo?</p>
        <div className="row">
          <button
            type="button"
            className="primary"
            ref={confirmRef}
            onClick={() => void s.confirmPendingOpen()}
            data-testid="open-cancel-job"
          >
            Cancel job and open
          </button>
          <button type="button" onClick={s.dismissPendingOpen} data-testid="open-keep-working">
            Keep working
          </button>
        </div>
      </div>
    </div>
  )
}
