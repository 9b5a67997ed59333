import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useEditor } from '../state/store'
import { formatSize } from './model-choices'
import { needsFirstRun, recommendedModels, totalSize } from './recommended'

/**
 * First run: Heirloom ships without model files. One action fetches the recommended set (face detector, default
 * restorer, default upscaler) with their licences and total size; offline machines import the files right here.
 * Shown until a face detector is installed; `always` keeps it while any recommended model is missing.
 */
export function FirstRunCard({ always = false }: { always?: boolean }) {
  const { models, downloads, fetching } = useEditor(
    useShallow((s) => ({ models: s.models?.models, downloads: s.downloads, fetching: s.fetchingRecommended }))
  )
  const [importing, setImporting] = useState(false)
  if (!models) return null
  const set = recommendedModels(models)
  const missing = set.filter((m) => m.state !== 'installed')
  if (missing.length === 0 || (!always && !fetching && !needsFirstRun(models))) return null
  const s = useEditor.getState()
  const size = totalSize(missing)
  const sizeText =
    size.bytes > 0
      ? `${formatSize(size.bytes)}${size.unknown > 0 ? ` plus ${size.unknown} of a size the publisher does not list` : ''}`
      : 'size shown as the downloads start'
  const nonCommercial = missing.filter((m) => !m.commercialUse)
  return (
    <section className="first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h3 id="first-run-title">Get started</h3>
      <p>Heirloom finds and restores faces with model files that are not installed yet.</p>
      <ul className="first-run-list">
        {set.map((m) => {
          const progress = downloads[m.id]
          return (
            <li key={m.id} data-testid={`first-run-${m.id}`} data-state={progress ? 'downloading' : m.state}>
              <span className="first-run-name">{m.name}</span>
              <span className="first-run-meta">
                {m.license}
                {m.commercialUse ? '' : ' (non-commercial)'}
                {m.size ? ` · ${formatSize(m.size)}` : ''}
                {' · '}
                {m.state === 'installed'
                  ? 'installed'
                  : progress
                    ? `downloading ${formatSize(progress.received)}${progress.total ? ` of ${formatSize(progress.total)}` : ''}`
                    : 'not installed'}
              </span>
              {importing && m.state !== 'installed' && !progress && (
                <button
                  type="button"
                  onClick={() => void s.importModel(m.id)}
                  data-testid={`first-run-import-${m.id}`}
                  title={`Choose a copy of ${m.name} on this computer`}
                >
                  Import file…
                </button>
              )}
            </li>
          )
        })}
      </ul>
      <p className="hint" data-testid="first-run-size">
        Download: {sizeText}.
        {nonCommercial.length > 0 &&
          ` ${nonCommercial.map((m) => m.name).join(', ')}: non-commercial use only; getting it accepts its licence.`}
      </p>
      <div className="row wrap">
        <button
          type="button"
          className="primary"
          disabled={fetching}
          onClick={() => void s.getRecommendedModels()}
          data-testid="get-recommended"
        >
          {fetching ? 'Downloading…' : 'Get the recommended models'}
        </button>
        <button
          type="button"
          aria-expanded={importing}
          onClick={() => setImporting(!importing)}
          data-testid="first-run-offline"
        >
          No internet? Import files…
        </button>
      </div>
    </section>
  )
}
