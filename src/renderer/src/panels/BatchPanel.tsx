import { useState } from 'react'
import type { BatchAgeParams, BatchColorParams, BatchOperation, BatchRepairParams } from '../../../shared/ipc/types'
import { useShallow } from 'zustand/react/shallow'
import { ProgressBar } from '../components/ProgressBar'
import { RangeField } from '../components/RangeField'
import { useEditor } from '../state/store'
import { BatchAgeFields } from './BatchAgeFields'
import { BatchRepairFields } from './BatchRepairFields'
import { BatchColourFields } from './BatchColourFields'
import { formatEta, modelChoices, preferredModel } from './model-choices'
import { QueueWatch } from './QueueWatch'
import { DEFAULT_RESTORE_STRENGTH } from '../../../shared/defaults'

const STATUS_TEXT = { ok: 'OK', 'no-face': 'No face', error: 'Error', skipped: 'Skipped' } as const

/** Batch: folders, operation and options, progress with ETA, pause/resume/cancel and a result table. */
export function BatchPanel() {
  const st = useEditor(
    useShallow((s) => ({
      input: s.batchInput,
      // Primitives and stored objects only: an object built here is new on every call, and useShallow would then
      // never see a stable snapshot (React #185, "Maximum update depth exceeded", once Export saved outputFolder).
      chosenOutput: s.batchOutput,
      savedOutput: s.settings?.outputFolder,
      savedResumable: s.settings?.outputResumable,
      progress: s.batchProgress,
      rows: s.batchRows,
      result: s.batchResult,
      jobId: s.batchJobId,
      models: s.models,
      routes: s.ageRoutes
    }))
  )
  const output =
    st.chosenOutput ??
    (st.savedOutput ? { name: st.savedOutput, folder: st.savedOutput, resumable: st.savedResumable } : null)
  const s = useEditor.getState()
  const [recursive, setRecursive] = useState(true)
  const [operation, setOperation] = useState<BatchOperation>('restore')
  const [strength, setStrength] = useState(DEFAULT_RESTORE_STRENGTH)
  const [ageStrength, setAgeStrength] = useState(1)
  const [age, setAge] = useState<BatchAgeParams | null>(null)
  const ageParams: BatchAgeParams = age ?? {
    route: (st.routes.find((r) => r.installed) ?? st.routes[0])?.id ?? 'styleganex',
    years: 20,
    restoreAfter: true
  }
  const [repair, setRepair] = useState<BatchRepairParams>({ method: 'classic', sensitivity: 0.5 })
  const colourisers = modelChoices(st.models?.models ?? [], 'colorizer')
  const [colour, setColour] = useState<BatchColorParams | null>(null)
  const colourParams: BatchColorParams = colour ?? {
    fade: 'auto',
    colorize: colourisers.find((m) => m.state === 'installed')?.id ?? 'none'
  }
  // Offered when the chosen output folder holds an earlier batch's journal (a crash or a cancel left it unfinished).
  const [resume, setResume] = useState(true)
  const resumable = (output?.resumable ?? 0) > 0
  const [format, setFormat] = useState<'same' | 'png' | 'jpeg'>('same')
  const [aspect, setAspect] = useState<'1:1' | '4:5' | '3:4' | 'passport'>('1:1')
  const restorers = modelChoices(st.models?.models ?? [], 'restorer')
  const [model, setModel] = useState<string | undefined>()
  const chosenModel = model ?? preferredModel(restorers)
  const running = st.jobId !== null
  const p = st.progress
  return (
    <section className="panel-section" data-testid="batch-panel">
      <h3>Batch</h3>
      <div className="row">
        <button
          type="button"
          disabled={running}
          onClick={() => void s.chooseBatchInput(recursive)}
          data-testid="batch-input"
        >
          Input folder…
        </button>
        <span className="path" data-testid="batch-input-name">
          {st.input ? `${st.input.name} (${st.input.images ?? 0} images)` : 'none — or drop a folder'}
        </span>
      </div>
      <label className="check">
        <input type="checkbox" checked={recursive} onChange={(e) => setRecursive(e.target.checked)} /> Include
        subfolders
      </label>
      <div className="row">
        <button type="button" disabled={running} onClick={() => void s.chooseBatchOutput()} data-testid="batch-output">
          Output folder…
        </button>
        <span className="path" data-testid="batch-output-name">
          {output ? output.name : 'none'}
        </span>
      </div>
      <label className="field">
        Operation
        <select
          value={operation}
          onChange={(e) => setOperation(e.target.value as BatchOperation)}
          data-testid="batch-operation"
        >
          <option value="restore">Restore faces</option>
          <option value="age">Age faces</option>
          <option value="detect-crop">Crop faces</option>
          <option value="repair">Repair damage (scratches, dust)</option>
          <option value="color">Colour (fading, colourise)</option>
        </select>
      </label>
      {operation === 'repair' && <BatchRepairFields value={repair} onChange={setRepair} />}
      {operation === 'color' && (
        <BatchColourFields value={colourParams} onChange={setColour} colourisers={colourisers} />
      )}
      {operation === 'age' && (
        <>
          <BatchAgeFields value={ageParams} onChange={setAge} />
          <RangeField
            label={`Age strength ${Math.round(ageStrength * 100)} %`}
            min={0}
            max={1}
            step={0.01}
            value={ageStrength}
            onChange={setAgeStrength}
          />
        </>
      )}
      {operation === 'repair' || operation === 'color' ? null : operation !== 'detect-crop' ? (
        <>
          <label className="field">
            Model
            <select value={chosenModel ?? ''} onChange={(e) => setModel(e.target.value)} data-testid="batch-model">
              {restorers.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                  {m.state === 'installed' ? '' : ' (download)'}
                </option>
              ))}
            </select>
          </label>
          {operation === 'restore' && (
            <RangeField
              label={`Strength ${Math.round(strength * 100)} %`}
              min={0}
              max={1}
              step={0.01}
              value={strength}
              onChange={setStrength}
            />
          )}
        </>
      ) : (
        <label className="field">
          Aspect
          <select value={aspect} onChange={(e) => setAspect(e.target.value as '1:1')}>
            <option value="1:1">1:1</option>
            <option value="4:5">4:5</option>
            <option value="3:4">3:4</option>
            <option value="passport">Passport 35×45</option>
          </select>
        </label>
      )}
      <label className="field">
        Format
        <select value={format} onChange={(e) => setFormat(e.target.value as 'same')}>
          <option value="same">Same as input</option>
          <option value="png">PNG</option>
          <option value="jpeg">JPEG</option>
        </select>
      </label>
      {resumable && (
        <label className="check">
          <input
            type="checkbox"
            checked={resume}
            onChange={(e) => setResume(e.target.checked)}
            data-testid="batch-resume"
          />{' '}
          Resume the earlier batch in this folder ({output?.resumable} photos done: skip them)
        </label>
      )}
      <div className="row">
        {!running ? (
          <button
            type="button"
            className="primary"
            disabled={!st.input || !output}
            onClick={() =>
              void s.runBatch({
                recursive,
                operation,
                model: chosenModel,
                strength: operation === 'age' ? ageStrength : strength,
                format,
                ...(operation === 'detect-crop' ? { aspect } : {}),
                ...(operation === 'age' ? { age: ageParams } : {}),
                ...(operation === 'repair' ? { repair } : {}),
                ...(operation === 'color' ? { color: colourParams } : {}),
                ...(resumable && resume ? { resume: true } : {})
              })
            }
            data-testid="batch-run"
          >
            Start batch
          </button>
        ) : (
          <>
            <button type="button" onClick={() => void s.pauseBatch(!p?.paused)} data-testid="batch-pause">
              {p?.paused ? 'Resume' : 'Pause'}
            </button>
            <button type="button" onClick={() => void s.cancelBatch()} data-testid="batch-cancel">
              Cancel
            </button>
          </>
        )}
        <button
          type="button"
          disabled={!output}
          onClick={() => void s.openOutputFolder()}
          data-testid="batch-open-output"
        >
          Open output folder
        </button>
      </div>
      {p && (running || st.result) && (
        <div data-testid="batch-progress-box">
          <ProgressBar
            fraction={p.total ? p.done / p.total : null}
            label={`${p.done} / ${p.total}${running ? ` · ${p.paused ? 'paused' : formatEta(p.etaMs)}` : ''}`}
            testId="batch-progress"
          />
          {running && p.current && <p className="hint">Now: {p.current}</p>}
        </div>
      )}
      {st.result?.cancelled && <p className="hint warn">Cancelled after {st.result.rows.length} files.</p>}
      {st.rows.length > 0 && (
        <table className="batch-table" data-testid="batch-table">
          <thead>
            <tr>
              <th>File</th>
              <th>Result</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {st.rows.map((r) => (
              <tr key={r.file} className={`status-${r.status}`} data-status={r.status}>
                <td>{r.file}</td>
                <td>{STATUS_TEXT[r.status]}</td>
                <td>
                  {r.status === 'ok'
                    ? `${operation === 'repair' || operation === 'color' ? '' : `${r.faces ?? 0} face(s) `}→ ${r.output ?? ''}`
                    : (r.reason ?? r.code ?? '')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(st.result?.notTaken?.length ?? 0) > 0 && (
        <details data-testid="batch-not-taken">
          <summary>{st.result?.notTaken?.length} entries of the input folder not taken</summary>
          <ul>
            {st.result?.notTaken?.slice(0, 200).map((e) => (
              <li key={e.file}>
                {e.file}: {e.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      <QueueWatch />
    </section>
  )
}
