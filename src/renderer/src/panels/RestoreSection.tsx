import { MissingModelHint } from '../components/MissingModelHint'
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { CheckField } from '../components/CheckField'
import { FaceHelperBadges } from '../components/FaceHelperBadges'
import { RangeField } from '../components/RangeField'
import { useEditor } from '../state/store'
import { modelChoices, preferredModel } from './model-choices'

/** Restore: model (installed first, others offer a download), strength (re-blends), fidelity, scale, background. */
export function RestoreSection() {
  const { models, edit, selected, job, settings, strength } = useEditor(
    useShallow((s) => ({
      models: s.models,
      edit: s.edit,
      selected: s.selected,
      job: s.job,
      settings: s.settings,
      strength: s.restoreStrength
    }))
  )
  const s = useEditor.getState()
  const restorers = modelChoices(models?.models ?? [], 'restorer')
  const upscalers = modelChoices(models?.models ?? [], 'upscaler').filter((m) => m.state === 'installed')
  const [model, setModel] = useState<string | undefined>()
  const [fidelity, setFidelity] = useState(0.5)
  const [scale, setScale] = useState<1 | 2 | 4>(1)
  const [upscaler, setUpscaler] = useState<string>('')
  const [keepIdentity, setKeepIdentity] = useState(false)
  const parserInstalled = (models?.models ?? []).some((m) => m.kind === 'face-parser' && m.state === 'installed')
  const identityInstalled = (models?.models ?? []).some((m) => m.kind === 'face-recognizer' && m.state === 'installed')
  const [paste, setPaste] = useState<'box' | 'regions' | undefined>()
  useEffect(() => {
    if (!model || !restorers.some((m) => m.id === model)) setModel(preferredModel(restorers, settings?.defaultRestorer))
  }, [restorers, model, settings?.defaultRestorer])
  const chosen = restorers.find((m) => m.id === model)
  const faces = edit?.faces.length ?? 0
  // Why the buttons are off, said next to them (a missing model is not an error to discover by clicking).
  const reason = !model
    ? 'No face restorer is listed.'
    : chosen && chosen.state !== 'installed'
      ? `Needs ${chosen.name}, which is not installed yet.`
      : faces === 0
        ? 'No faces yet: find or draw one first.'
        : undefined
  const targets = selected.length > 0 ? selected : Array.from({ length: faces }, (_, i) => i)
  const layersToBlend = (edit?.layers ?? [])
    .filter((l) => l.op === 'restore' && targets.includes(l.faceIndex))
    .map((l) => l.id)
  const run = (all: boolean): void => {
    if (!model) return
    void s.restore({
      model,
      strength,
      fidelity: chosen?.family === 'codeformer' ? fidelity : undefined,
      outputScale: scale,
      upscaler: upscaler || null,
      all,
      ...(keepIdentity ? { keepIdentity: true } : {}),
      paste: paste ?? (parserInstalled ? 'regions' : 'box')
    })
  }
  const commitStrength = (): void => {
    if (layersToBlend.length > 0) void s.setStrength(layersToBlend, strength)
  }
  return (
    <section className="panel-section" data-testid="restore-section">
      <h3>Restore</h3>
      <label className="field">
        Model
        <select value={model ?? ''} onChange={(e) => setModel(e.target.value)} data-testid="restore-model">
          {restorers.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
              {m.state === 'installed' ? '' : m.state === 'downloading' ? ' (downloading…)' : ' (download)'}
              {m.commercialUse ? '' : ' · non-commercial'}
            </option>
          ))}
        </select>
      </label>
      {chosen && chosen.state !== 'installed' && (
        <MissingModelHint reason={reason} modelId={chosen.id} testPrefix="restore" />
      )}
      <RangeField
        label={`Strength ${Math.round(strength * 100)} %`}
        min={0}
        max={1}
        step={0.01}
        value={strength}
        onChange={s.setRestoreStrength}
        onCommit={commitStrength}
        testId="restore-strength"
      />
      <RangeField
        label={`Fidelity ${fidelity.toFixed(2)}`}
        title="CodeFormer only: lower = stronger restoration, higher = closer to the photo"
        min={0}
        max={1}
        step={0.05}
        value={fidelity}
        disabled={chosen?.family !== 'codeformer'}
        onChange={setFidelity}
        testId="restore-fidelity"
      />
      <div className="row">
        <label className="field">
          Output scale
          <select
            value={scale}
            onChange={(e) => setScale(Number(e.target.value) as 1 | 2 | 4)}
            data-testid="restore-scale"
          >
            <option value={1}>1×</option>
            <option value={2}>2×</option>
            <option value={4}>4×</option>
          </select>
        </label>
        <label className="field">
          Background
          <select
            value={upscaler}
            onChange={(e) => setUpscaler(e.target.value)}
            disabled={scale === 1}
            data-testid="restore-upscaler"
          >
            <option value="">Lanczos (fast)</option>
            {upscalers.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="field">
        Paste-back
        <select
          value={paste ?? (parserInstalled ? 'regions' : 'box')}
          onChange={(e) => setPaste(e.target.value as 'box' | 'regions')}
          title="Face regions: only skin and features take the restored face; hair, hands and hats stay the original's (needs a face parser)"
          data-testid="restore-paste"
        >
          <option value="box">Box</option>
          <option value="regions" disabled={!parserInstalled}>
            Face regions{parserInstalled ? '' : ' (install a face parser)'}
          </option>
        </select>
      </label>
      <CheckField checked={keepIdentity} onChange={setKeepIdentity} testId="restore-keep-identity">
        Keep identity{identityInstalled ? '' : ' (needs SFace, in Models)'}
      </CheckField>
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={!!reason || !!job || selected.length === 0}
          title={reason ?? (selected.length === 0 ? 'Select a face first.' : undefined)}
          onClick={() => run(false)}
          data-testid="restore-selected"
        >
          Restore selected{selected.length > 0 ? ` (${selected.length})` : ''}
        </button>
        <button
          type="button"
          disabled={!!reason || !!job}
          title={reason}
          onClick={() => run(true)}
          data-testid="restore-all"
        >
          Restore all
        </button>
      </div>
      <FaceHelperBadges info={edit?.faceInfo} />
    </section>
  )
}
