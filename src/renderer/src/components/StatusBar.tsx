import { useShallow } from 'zustand/react/shallow'
import type { FaceStep } from '../../../shared/ipc/types'
import { formatEta } from '../panels/model-choices'
import { useEditor } from '../state/store'
import { CredentialsBadge } from './CredentialsBadge'
import { OpenDuringJobDialog } from './OpenDuringJobDialog'
import { ProgressBar } from './ProgressBar'

const STEP_LABEL: Record<FaceStep, string> = {
  detect: 'finding faces',
  align: 'aligning',
  model: 'running the model',
  paste: 'blending back'
}

/**
 * Bottom bar: the running job (overall progress, the step inside the current face with an active bar while the model
 * runs, time left from the faces done, Cancel -> "Cancelling…"), how the last job ended, or the photo and face count.
 */
export function StatusBar() {
  const { job, photo, edit, detecting, selected, cancelling, notice, eta } = useEditor(
    useShallow((s) => ({
      job: s.job,
      photo: s.photo,
      edit: s.edit,
      detecting: s.detecting,
      selected: s.selected,
      cancelling: s.cancelling,
      notice: s.notice,
      eta: s.jobEtaMs
    }))
  )
  const step = job?.step
  const label = job ? [job.message ?? job.stage, step ? STEP_LABEL[step] : undefined].filter(Boolean).join(' · ') : ''
  return (
    <footer className="statusbar" data-testid="statusbar">
      {job ? (
        <>
          <span className="job-kind">
            {job.kind === 'restore'
              ? 'Restoring'
              : job.kind === 'age'
                ? 'Aging'
                : job.kind === 'color'
                  ? 'Colouring'
                  : 'Working'}
          </span>
          {/* Before the texts that change width while the job runs, so Cancel never moves under the pointer. */}
          <button
            type="button"
            disabled={cancelling}
            onClick={() => void useEditor.getState().cancelJob()}
            data-testid="cancel-job"
          >
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
          <ProgressBar fraction={job.fraction} label={cancelling ? 'Cancelling…' : label} testId="job-progress" />
          {step && !cancelling && (
            <span className="job-step" data-testid="job-step" data-step={step}>
              <ProgressBar
                fraction={step === 'model' ? null : step === 'paste' ? 1 : 0}
                testId="job-step-progress"
                label={STEP_LABEL[step]}
              />
            </span>
          )}
          {eta !== null && !cancelling && (
            <span className="job-eta" data-testid="job-eta">
              {formatEta(eta)}
            </span>
          )}
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
      {!job && notice && (
        <span className="job-notice" role="status" data-testid="job-notice">
          {notice}
        </span>
      )}
      <OpenDuringJobDialog />
      <CredentialsBadge />
    </footer>
  )
}
