import type { ModelInspection } from '../../../shared/model-inspection'

const dims = (d: readonly (number | string)[]): string => (d.length === 0 ? '(not declared)' : `[${d.join(',')}]`)

/** The Models panel's detail view: what `heirloom models inspect <id>` prints, as a small table. */
export function ModelDetail({ r }: { r: ModelInspection }) {
  const v = r.verdict
  const opsets = (r.opsets ?? []).map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')
  return (
    <div className="model-detail" data-testid="model-detail">
      <p className="model-meta">
        {r.bytes.toLocaleString()} bytes · {r.format === 'onnx' ? `ONNX${opsets ? `, opset ${opsets}` : ''}` : '.npy'}
        {r.producer ? ` · ${r.producer}` : ''}
      </p>
      <p className="model-meta" title="SHA-256">
        <code data-testid="model-detail-sha256">{r.sha256}</code>
      </p>
      <table className="tensors">
        <tbody>
          {[...r.inputs.map((t) => ['in', t] as const), ...r.outputs.map((t) => ['out', t] as const)].map(
            ([dir, t]) => (
              <tr key={`${dir}-${t.name}`}>
                <td>{dir}</td>
                <td>{t.name}</td>
                <td>{t.dtype}</td>
                <td>{dims(t.dims)}</td>
              </tr>
            )
          )}
        </tbody>
      </table>
      <p data-testid="model-detail-verdict" className={v.ok === false ? 'warn' : 'ok'}>
        {v.ok === undefined ? 'Nothing to check against' : v.ok ? 'Fits' : 'Does not fit'}
        {r.checkedAgainst ? ` the contract of ${r.checkedAgainst.name}` : ''}
      </p>
      <ul className="verdict">
        {v.tensors.map((t) => (
          <li key={`${t.role}-${t.name}`} className={t.ok ? 'ok' : 'warn'}>
            {t.role} {t.name}: expected {t.expected}
            {t.found ? `, found ${t.found} (by ${t.by})` : t.optional ? ', absent (optional)' : ', found nothing'}
            {t.why ? ` — ${t.why}` : ''}
          </li>
        ))}
        {v.notes.map((n) => (
          <li key={n.field} className={n.ok ? 'ok' : 'warn'}>
            {n.field}: {n.text}
          </li>
        ))}
      </ul>
    </div>
  )
}
