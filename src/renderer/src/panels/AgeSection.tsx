import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { CheckField } from '../components/CheckField'
import { RangeField } from '../components/RangeField'
import { useEditor } from '../state/store'
import { modelChoices, preferredModel } from './model-choices'

/** Age: route, years older/younger (-40..+40) or a target age, strength, optional restore after aging. */
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
  const [route, setRoute] = useState('')
  const [mode, setMode] = useState<'years' | 'target'>('years')
  const [years, setYears] = useState(20)
  const [target, setTarget] = useState(60)
  const [strength, setStrength] = useState(1)
  const [restoreAfter, setRestoreAfter] = useState(true)
  useEffect(() => {
    if (!route && routes.length > 0) setRoute((routes.find((r) => r.installed) ?? routes[0]).id)
  }, [routes, route])
  const chosen = routes.find((r) => r.id === route)
  const faces = edit?.faces.length ?? 0
  // The same restorer the Restore section preselects, not the manifest default, which may not be installed.
  const restoreModel = preferredModel(modelChoices(models?.models ?? [], 'restorer'), defaultRestorer)
  const run = (all: boolean): void =>
    void s.age({
      route,
      years: mode === 'years' ? years : 0,
      ...(mode === 'target' ? { targetAge: target } : {}),
      strength,
      restoreAfter,
      ...(restoreModel ? { restoreModel } : {}),
      all
    })
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
        <p className="hint warn">
          Needs {chosen.models.join(', ')}.{' '}
          <button type="button" onClick={() => s.setPanel('models')}>
            Open Models…
          </button>
        </p>
      )}
      <div className="row">
        <label>
          <input type="radio" checked={mode === 'years'} onChange={() => setMode('years')} /> Years
        </label>
        <label>
          <input type="radio" checked={mode === 'target'} onChange={() => setMode('target')} /> Target age
        </label>
      </div>
      {mode === 'years' ? (
        <RangeField
          label={years === 0 ? 'No change' : years > 0 ? `${years} years older` : `${-years} years younger`}
          min={-40}
          max={40}
          step={1}
          value={years}
          onChange={setYears}
          testId="age-years"
        />
      ) : (
        <RangeField
          label={`Target age ${target}`}
          min={1}
          max={100}
          step={1}
          value={target}
          onChange={setTarget}
          testId="age-target"
        />
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
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={!route || !!job || selected.length === 0}
          onClick={() => run(false)}
          data-testid="age-selected"
        >
          Age selected{selected.length > 0 ? ` (${selected.length})` : ''}
        </button>
        <button type="button" disabled={!route || !!job || faces === 0} onClick={() => run(true)} data-testid="age-all">
          Age all
        </button>
      </div>
    </section>
  )
}
