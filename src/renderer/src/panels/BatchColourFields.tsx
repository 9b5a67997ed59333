import type { BatchColorParams, ModelInfo } from '../../../shared/ipc/types'
import { CheckField } from '../components/CheckField'

const RENDER_SIZES = [192, 256, 384, 512] as const

/**
 * A colour batch's settings (the colour operation's params): fade correction, keep tone, and a colouriser with its
 * render factor (DeOldify's factor x 16 px). Photos already in colour are listed as errors when colourising.
 */
export function BatchColourFields({
  value,
  onChange,
  colourisers
}: {
  value: BatchColorParams
  onChange(v: BatchColorParams): void
  colourisers: readonly ModelInfo[]
}) {
  const colourising = value.colorize !== 'none'
  return (
    <>
      <div className="row">
        <label className="field">
          Fading
          <select
            value={value.fade}
            onChange={(e) => onChange({ ...value, fade: e.target.value as 'auto' | 'none' })}
            data-testid="batch-colour-fade"
          >
            <option value="auto">Correct</option>
            <option value="none">Leave</option>
          </select>
        </label>
        <CheckField
          checked={value.keepTone === true}
          onChange={(keepTone) => onChange({ ...value, keepTone })}
          testId="batch-colour-keep-tone"
        >
          Keep tone
        </CheckField>
      </div>
      <div className="row">
        <label className="field">
          Colourise
          <select
            value={value.colorize}
            onChange={(e) => onChange({ ...value, colorize: e.target.value })}
            data-testid="batch-colour-model"
          >
            <option value="none">None</option>
            {colourisers.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
                {m.state === 'installed' ? '' : ' (download)'}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Render factor
          <select
            value={value.renderSize ?? 256}
            disabled={!colourising}
            onChange={(e) =>
              onChange({ ...value, renderSize: Number(e.target.value) as NonNullable<BatchColorParams['renderSize']> })
            }
            data-testid="batch-colour-render"
          >
            {RENDER_SIZES.map((px) => (
              <option key={px} value={px}>
                {px / 16} ({px} px)
              </option>
            ))}
          </select>
        </label>
      </div>
      {colourising && (
        <p className="hint">
          Photos already in colour are listed as errors, nothing written (sepia prints are coloured).
        </p>
      )}
    </>
  )
}
