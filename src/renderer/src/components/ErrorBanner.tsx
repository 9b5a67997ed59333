import { errorAction, friendlyMessage } from '../api/client'
import { useEditor } from '../state/store'

const ACTION_LABEL = {
  'open-models': 'Open Models',
  'draw-box': 'Draw a box',
  'retry-open': 'Open another photo',
  'choose-other-name': 'Export again'
} as const

/** The one error surface: friendly text per code plus the button that fixes the cause, when there is one. */
export function ErrorBanner() {
  const error = useEditor((s) => s.error)
  if (!error) return null
  const action = errorAction(error)
  const s = useEditor.getState()
  const act = (): void => {
    s.clearError()
    if (action === 'open-models') s.setPanel('models')
    else if (action === 'draw-box') s.setTool('draw')
    else if (action === 'retry-open') void s.openViaDialog()
    else if (action === 'choose-other-name') s.setPanel('export')
  }
  return (
    <div className="error" role="alert" data-testid="error" data-code={error.code}>
      <span className="error-text">{friendlyMessage(error)}</span>
      {action && (
        <button type="button" onClick={act} data-testid="error-action">
          {ACTION_LABEL[action]}
        </button>
      )}
      <button type="button" onClick={s.clearError}>
        Dismiss
      </button>
    </div>
  )
}
