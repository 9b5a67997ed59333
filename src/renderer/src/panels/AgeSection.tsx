import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { CheckField } from '../components/CheckField'
import { RangeField } from '../components/RangeField'
import { useModelNames } from '../components/useModelNames'
import { useEditor } from '../state/store'
import { amountLabel } from './age-labels'
import { modelChoices, preferredModel } from './model-choices'

/**
 * Age: route, years older/younger (-40..+40) or a target age, strength, optional restore after aging. Routes whose
 * model edits by a change in years need the current age for a target age; SAM (which takes a target age) needs it for
 * years. The current age is a field the user fills in, prefilled from the age estimate (a bucket's middle) when the
 * FairFace helper is installed.
 */
export function AgeSection() {
  const { routes, edit, selected, job, models, defaultRestorer } = useEditor(
    useShallow((s) => ({
      routes: s.ageRoutes,
      edit: s.edit,
      selected: s.selected,
      job: s.job,
      models: s.models,
      defaultRestorer: s.settings?.defaultRestorer
    }))
  )
  const s = useEditor.getState()
  const name = useModelNames()
  const [route, setRoute] = useState('')
  const [mode, setMode] = useState<'years' | 'target'>('years')
  const [years, setYears] = useState(20)
  const [target, setTarget] = useState(60)
  const [current, setCurrent] = useState('')
  const [strength, setStrength] = useState(1)
  const [restoreAfter, setRestoreAfter] = useState(true)
  useEffect(() => {
    if (!route && routes.length > 0) setRoute((routes.find((r) => r.installed) ?? routes[0]).id)
  }, [routes, route])
  // The age estimate (FairFace, when installed) prefills the current age once; the user can always change it.
  const estimated = edit?.faceInfo?.[selected[0] ?? 0]?.ageYears
  const estimatedBucket = edit?.faceInfo?.[selected[0] ?? 0]?.ageBucket
  useEffect(() => {
    if (estimated !== undefined) setCurrent((c) => (c === '' ? String(estimated) : c))
  }, [estimated])
  const chosen = routes.find((r) => r.id === route)
  const faces = edit?.faces.length ?? 0
  // The same restorer the Restore section preselects, not the manifest default, which may not be installed.
  const restorers = modelChoices(models?.models ?? [], 'restorer')
  const restoreModel = preferredModel(restorers, defaultRestorer)
  const restorer = restorers.find((m) => m.id === restoreModel)
  const needsCurrent = !!chosen && (mode === 'target' ? chosen.edits === 'years' : chosen.edits === 'target-age')
  const currentAge = /^\d{1,3}$/.test(current.trim()) ? Number(current.trim()) : undefined
  const currentOk = currentAge !== undefined && currentAge >= 0 && currentAge <= 100
  const missing = chosen
    ? chosen.models.filter((id) => models?.models.find((m) => m.id === id)?.state !== 'installed')
    : []
  const reason = !chosen
    ? 'No age route is available.'
    : !chosen.installed
      ? `Needs ${(missing.length > 0 ? missing : chosen.models).map((id) => name(id) ?? id).join(', ')}.`
      : restoreAfter && restorer && restorer.state !== 'installed'
        ? `"Restore after aging" needs ${restorer.name}.`
        : faces === 0
          ? 'No faces yet: find or draw one first.'
          : needsCurrent && !currentOk
            ? 'Enter the current age (0 to 100).'
            : undefined
  const run = (all: boolean): void => {
    if (!chosen) return
    void s.age({
      route: chosen.id,
      years: mode === 'years' ? years : 0,
      ...(mode === 'target' ? { targetAge: target } : {}),
      ...(needsCurrent && currentAge !== undefined ? { currentAge } : {}),
      strength,
      restoreAfter,
      ...(restoreModel ? { restoreModel } : {}),
      all
    })
  }
  return (
    <section className="panel-section" data-testid="age-section">
      <h3>Age</h3>
      <label className="field">
        Route
        <select value={route} onChange={(e) => setRoute(e.target.value)} data-testid="age-route">
          {routes.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
              {r.installed ? '' : ' (download)'}
            </option>
          ))}
        </select>
      </label>
      {chosen && !chosen.installed && (
        <p className="hint warn" data-testid="age-needs">
          {reason}{' '}
          <button type="button" onClick={() => s.setPanel('models')}>
            Open Models…
          </button>
        </p>
      )}
      <div className="row">
        <label>
          <input
            type="radio"
            checked={mode === 'years'}
            onChange={() => setMode('years')}
            data-testid="age-mode-years"
          />{' '}
          Years
        </label>
        <label>
          <input
            type="radio"
            checked={mode === 'target'}
            onChange={() => setMode('target')}
            data-testid="age-mode-target"
          />{' '}
          Target age
        </label>
      </div>
      {mode === 'years' ? (
        <RangeField
          label={amountLabel(years, chosen)}
          min={-40}
          max={40}
          step={1}
          value={years}
          onChange={setYears}
          testId="age-years"
        />
      ) : (
        <RangeField
          label={`Target age ${target}${chosen && !chosen.yearsCalibrated ? ' (approximate)' : ''}`}
          min={1}
          max={100}
          step={1}
          value={target}
          onChange={setTarget}
          testId="age-target"
        />
      )}
      {needsCurrent && (
        <label className="field">
          Current age (in the photo)
          <input
            type="number"
            min={0}
            max={100}
            step={1}
            inputMode="numeric"
            value={current}
            placeholder="e.g. 30"
            onChange={(e) => setCurrent(e.target.value)}
            aria-invalid={current !== '' && !currentOk}
            data-testid="age-current"
          />
          {estimatedBucket && (
            <span className="hint" data-testid="age-estimate">
              estimated: about {estimatedBucket}
            </span>
          )}
        </label>
      )}
      <RangeField
        label={`Strength ${Math.round(strength * 100)} %`}
        min={0}
        max={1}
        step={0.01}
        value={strength}
        onChange={setStrength}
      />
      <CheckField checked={restoreAfter} onChange={setRestoreAfter}>
        Restore after aging
      </CheckField>
      {chosen?.installed && reason && faces > 0 && (
        <p className="hint reason" data-testid="age-reason">
          {reason}
        </p>
      )}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={!!reason || !!job || selected.length === 0}
          title={reason ?? (selected.length === 0 ? 'Select a face first.' : undefined)}
          onClick={() => run(false)}
          data-testid="age-selected"
        >
          Age selected{selected.length > 0 ? ` (${selected.length})` : ''}
        </button>
        <button
          type="button"
          disabled={!!reason || !!job}
          title={reason}
          onClick={() => run(true)}
          data-testid="age-all"
        >
          Age all
        </button>
      </div>
    </section>
  )
}
