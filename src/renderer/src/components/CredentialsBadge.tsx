import { useEffect, useState } from 'react'
import type { CredentialsReport, ManifestSummary } from '../../../shared/credentials'
import { call } from '../api/client'
import { useEditor } from '../state/store'

const SOURCE_TYPE = /digitalsourcetype\/(\w+)$/

function ManifestDetails({ m }: { m: ManifestSummary }) {
  const s = m.signer ?? {}
  return (
    <div className="cr-manifest">
      <div>
        Signed by <strong>{s.commonName ?? s.issuer ?? 'unknown signer'}</strong>
        {s.issuer && s.issuer !== s.commonName ? ` (issued by ${s.issuer})` : ''}
        {s.time ? ` at ${s.time}` : ''}
      </div>
      {m.claimGenerator && <div>Made with {m.claimGenerator}</div>}
      {m.actions.length > 0 && (
        <ol className="cr-actions" data-testid="credentials-actions">
          {m.actions.map((a, i) => {
            const source = a.digitalSourceType ? SOURCE_TYPE.exec(a.digitalSourceType)?.[1] : undefined
            return (
              <li key={i}>
                <code>{a.action}</code>
                {a.description ? `: ${a.description}` : ''}
                {source ? <span className="badge nc">{source}</span> : null}
              </li>
            )
          })}
        </ol>
      )}
      {m.ingredients.map((ing, i) => (
        <div key={i} className="cr-ingredient" data-testid="credentials-ingredient">
          Ingredient: {ing.title ?? '(untitled)'} ({ing.relationship ?? 'componentOf'})
          {ing.manifest ? (
            <>
              <div>It carried its own Content Credentials:</div>
              <ManifestDetails m={ing.manifest} />
            </>
          ) : null}
        </div>
      ))}
    </div>
  )
}

function stateText(r: CredentialsReport): string {
  if (r.state === 'Invalid') return 'Content Credentials: invalid'
  return `Content Credentials: ${r.state === 'Trusted' ? 'trusted' : 'valid'}`
}

/**
 * A badge in the status bar when the open photo carries Content Credentials (C2PA), with their details on click:
 * who signed, what was done, what it was made from, and whether the file still matches its signature.
 */
export function CredentialsBadge() {
  const photoId = useEditor((s) => s.photo?.photoId)
  const [report, setReport] = useState<CredentialsReport | null>(null)
  const [open, setOpen] = useState(false)
  useEffect(() => {
    setReport(null)
    setOpen(false)
    if (!photoId) return
    let live = true
    call(window.api.getCredentials({ photoId }))
      .then((r) => {
        if (live) setReport(r)
      })
      // Credentials that cannot be read are shown as absent; the photo itself is unaffected.
      .catch(() => undefined)
    return () => {
      live = false
    }
  }, [photoId])
  if (!report?.present) return null
  const invalid = report.state === 'Invalid'
  return (
    <span className="cr">
      <button
        type="button"
        className={`badge cr-badge ${invalid ? 'nc' : 'installed'}`}
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        title={stateText(report)}
        data-testid="credentials-badge"
        data-state={report.state}
      >
        CR {invalid ? '✗' : '✓'}
      </button>
      {open && (
        <div className="cr-details" role="dialog" aria-label="Content Credentials" data-testid="credentials-details">
          <strong>{stateText(report)}</strong>
          {invalid ? (
            <div className="cr-invalid">
              The file changed after it was signed: {report.failures.map((f) => f.code).join(', ')}
            </div>
          ) : report.untrusted ? (
            <div className="hint">
              The signer is not on a trust list (a self-made identity, such as Heirloom&apos;s).
            </div>
          ) : null}
          {report.active && <ManifestDetails m={report.active} />}
        </div>
      )}
    </span>
  )
}
