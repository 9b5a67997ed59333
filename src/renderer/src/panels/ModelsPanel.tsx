import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { ModelInfo } from '../../../shared/ipc/types'
import type { ModelInspection } from '../../../shared/model-inspection'
import { ModelDetail } from './ModelDetail'
import { ProgressBar } from '../components/ProgressBar'
import { useEditor } from '../state/store'
import { FirstRunCard } from './FirstRunCard'
import { formatSize } from './model-choices'

// Faces are found before anything else can run: the detector comes first.
const KIND_ORDER = [
  'detector',
  'restorer',
  'upscaler',
  'landmarks',
  'age-model',
  'age-encoder',
  'age-generator',
  'age-direction',
  'mapping',
  'inpainter',
  'colorizer'
]
const KIND_LABEL: Record<string, string> = {
  restorer: 'Face restorers',
  upscaler: 'Background upscalers',
  detector: 'Face detectors',
  landmarks: 'Landmarks',
  'age-model': 'Age (single model)',
  'age-encoder': 'Age encoders',
  'age-generator': 'Age generators',
  'age-direction': 'Age directions',
  mapping: 'Mapping',
  inpainter: 'Damage repair',
  colorizer: 'Colourisers',
  helpers: 'Helpers (measure or mask a face, never change it)'
}
/** Identity similarity, age estimate and face-region parsing: shown together as "helpers". */
const HELPER_KINDS = new Set(['face-recognizer', 'age-estimator', 'face-parser'])

function ModelRow({ m }: { m: ModelInfo }) {
  const progress = useEditor((s) => s.downloads[m.id])
  const s = useEditor.getState()
  const [confirming, setConfirming] = useState(false)
  const [verified, setVerified] = useState<boolean | null>(null)
  const [detail, setDetail] = useState<ModelInspection | null>(null)
  const toggleDetail = (): void => {
    if (detail) return setDetail(null)
    void s.inspectModel(m.id).then(setDetail)
  }
  const download = (): void => {
    if (!m.commercialUse && !confirming) return setConfirming(true)
    setConfirming(false)
    void s.downloadModel(m.id, !m.commercialUse)
  }
  const state = progress ? 'downloading' : m.state
  return (
    <li className={`model state-${state}`} data-testid={`model-${m.id}`} data-state={state}>
      <div className="model-head">
        <b>{m.name}</b>
        <span className={`badge ${state}`}>{state}</span>
        {!m.commercialUse && (
          <span className="badge nc" title={m.license}>
            non-commercial
          </span>
        )}
        {m.custom && <span className="badge">custom</span>}
      </div>
      <div className="model-meta">
        {m.size ? `${formatSize(m.size)} · ` : ''}
        {m.license}
      </div>
      {HELPER_KINDS.has(m.kind) && m.description && (
        <div className="model-meta" data-testid={`model-about-${m.id}`}>
          {m.description}
        </div>
      )}
      {progress && (
        <div className="row">
          <ProgressBar
            fraction={progress.total ? progress.received / progress.total : null}
            label={`${formatSize(progress.received)}${progress.total ? ` of ${formatSize(progress.total)}` : ''}`}
            testId={`model-progress-${m.id}`}
          />
          <button type="button" onClick={() => void s.cancelDownload(m.id)}>
            Cancel
          </button>
        </div>
      )}
      {confirming && (
        <div className="confirm" role="dialog" data-testid={`license-confirm-${m.id}`}>
          <p>
            {m.name} is licensed for <b>non-commercial use only</b> ({m.license}). Download it for personal use?
          </p>
          <button type="button" className="primary" onClick={download} data-testid={`license-accept-${m.id}`}>
            I accept, download
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {!progress && !confirming && (
        <div className="row wrap">
          {m.state !== 'installed' && !m.custom && (
            <button type="button" onClick={download} data-testid={`download-${m.id}`}>
              Download
            </button>
          )}
          {!m.custom && (
            <button
              type="button"
              onClick={() => void s.importModel(m.id)}
              title="Import a copy of the file (offline machines)"
              data-testid={`import-${m.id}`}
            >
              Import file…
            </button>
          )}
          {m.state === 'installed' && (
            <>
              <button
                type="button"
                onClick={() => void s.verifyModel(m.id).then(setVerified)}
                data-testid={`verify-${m.id}`}
              >
                Verify
              </button>
              <button type="button" onClick={toggleDetail} data-testid={`inspect-${m.id}`} aria-expanded={!!detail}>
                Details
              </button>
              <button type="button" onClick={() => void s.removeModel(m.id)} data-testid={`remove-${m.id}`}>
                Remove
              </button>
            </>
          )}
          {verified !== null && (
            <span className={verified ? 'ok' : 'warn'} data-testid={`verified-${m.id}`}>
              {verified ? 'Verified' : 'Not verified'}
            </span>
          )}
        </div>
      )}
      {detail && <ModelDetail r={detail} />}
    </li>
  )
}

/** The model manifest as a list with states, sizes and licences, plus the execution provider actually in use. */
export function ModelsPanel() {
  const { models, settings, running } = useEditor(
    useShallow((s) => ({
      models: s.models,
      settings: s.settings,
      running: s.job !== null || s.detecting || s.batchJobId !== null
    }))
  )
  const s = useEditor.getState()
  // "Running on" comes from the worker's last session: ask again when the panel opens and whenever work ends.
  useEffect(() => {
    if (!running) void useEditor.getState().refreshModels()
  }, [running])
  if (!models) return <p className="hint">Loading models…</p>
  const groups = KIND_ORDER.map((k) => ({
    kind: k,
    items: models.models
      .filter((m) => m.kind === k)
      .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || Number(a.custom) - Number(b.custom))
  }))
  groups.push({ kind: 'helpers', items: models.models.filter((m) => HELPER_KINDS.has(m.kind)) })
  const shown = groups.filter((g) => g.items.length > 0)
  return (
    <section className="panel-section" data-testid="models-panel">
      <FirstRunCard always />
      <h3>Models</h3>
      <p className="hint" data-testid="provider-in-use">
        Running on: <b>{models.providerInUse ? models.providerInUse.toUpperCase() : 'no model run yet'}</b> ·
        onnxruntime {models.ortVersion}
      </p>
      <label className="field">
        Execution provider
        <select
          value={settings?.provider ?? 'auto'}
          onChange={(e) => void s.updateSettings({ provider: e.target.value as 'auto' })}
          data-testid="provider"
        >
          <option value="auto">Automatic (GPU when available)</option>
          {models.providersSupported.map((p) => (
            <option key={p} value={p}>
              {p.toUpperCase()}
            </option>
          ))}
        </select>
      </label>
      {shown.map((g) => (
        <div key={g.kind} data-testid={`model-group-${g.kind}`}>
          <h4>{KIND_LABEL[g.kind] ?? g.kind}</h4>
          <ul className="model-list">
            {g.items.map((m) => (
              <ModelRow key={m.id} m={m} />
            ))}
          </ul>
        </div>
      ))}
    </section>
  )
}
