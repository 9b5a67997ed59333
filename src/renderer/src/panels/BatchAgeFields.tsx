import type { BatchAgeParams } from '../../../shared/ipc/types'
import { CheckField } from '../components/CheckField'
import { RangeField } from '../components/RangeField'
import { useEditor } from '../state/store'

/**
 * The Batch panel's age parameters (as `heirloom age <folder>`): route, years older/younger or a target age, the
 * person's current age where the route needs it, and restore after aging (with the batch's restorer).
 */
export function BatchAgeFields({ value, onChange }: { value: BatchAgeParams; onChange(v: BatchAgeParams): void }) {
  const routes = useEditor((s) => s.ageRoutes)
  const chosen = routes.find((r) => r.id === value.route)
  const target = value.targetAge !== undefined
  return (
    <>
      <label className="field">
        Age route
        <select
          value={value.route}
          onChange={(e) => onChange({ ...value, route: e.target.value as BatchAgeParams['route'] })}
          data-testid="batch-age-route"
        >
          {routes.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
              {r.installed ? '' : ' (needs download)'}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Change
        <select
          value={target ? 'target' : 'years'}
          onChange={(e) => {
            const { targetAge: _t, ...rest } = value
            onChange(e.target.value === 'target' ? { ...rest, targetAge: 60 } : rest)
          }}
          data-testid="batch-age-mode"
        >
          <option value="years">Years older / younger</option>
          <option value="target">Target age</option>
        </select>
      </label>
      {target ? (
        <RangeField
          label={`Target age ${value.targetAge} (approximate)`}
          min={1}
          max={100}
          step={1}
          value={value.targetAge ?? 60}
          onChange={(v) => onChange({ ...value, targetAge: Math.round(v) })}
        />
      ) : (
        <RangeField
          label={`${value.years >= 0 ? '+' : ''}${value.years} years${chosen && !chosen.yearsCalibrated ? ' (uncalibrated)' : ''}`}
          min={-40}
          max={40}
          step={1}
          value={value.years}
          onChange={(v) => onChange({ ...value, years: Math.round(v) })}
        />
      )}
      <label className="field">
        Current age (when known)
        <input
          type="number"
          min={0}
          max={100}
          value={value.currentAge ?? ''}
          onChange={(e) => {
            const { currentAge: _c, ...rest } = value
            const n = Number(e.target.value)
            onChange(e.target.value === '' || !Number.isInteger(n) ? rest : { ...rest, currentAge: n })
          }}
          data-testid="batch-age-current"
        />
      </label>
      <CheckField
        checked={value.restoreAfter}
        onChange={(restoreAfter) => onChange({ ...value, restoreAfter })}
        testId="batch-age-restore"
      >
        Restore after aging
      </CheckField>
    </>
  )
}
