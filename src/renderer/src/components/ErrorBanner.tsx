import { errorAction, errorDetails, friendlyMessage } from '../api/client'
import { useEditor } from '../state/store'
import { useModelNames } from './useModelNames'

const ACTION_LABEL = {
  'open-models': 'Open Models',
  'draw-box': 'Draw a box',
  'retry-open': 'Open another photo',
  'choose-other-name': 'Export again'
} as const

/**
 * The one error surface: a friendly sentence per code (model display names, never ids), the button that fixes the
 * cause when there is one, and the raw internals behind a "Details" disclosure.
 */
export function ErrorBanner() {
  const error = useEditor((s) => s.error)
  const name = useModelNames()
  if (!error) return null
  const action = errorAction(error, name)
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
      <span className="error-text" data-testid="error-text">
        {friendlyMessage(error, name)}
      </span>
      <details className="error-details" data-testid="error-details">
        <summary>Details</summary>
        <code>{errorDetails(error)}</code>
      </details>
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
