/** What Heirloom did to a photo; written into XMP (heirloom:History) and EXIF (ImageDescription/Software) on export. */
export interface ProvenanceOp {
  op: string
  model?: string
  params?: Record<string, unknown>
}

export interface Provenance {
  software: string
  operations: ProvenanceOp[]
}

function paramText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ')
}

/** One operation as a short human-readable line, e.g. "restore (model gfpgan-1.4; strength=0.8)". */
export function operationText(op: ProvenanceOp): string {
  const details: string[] = []
  if (op.model) details.push(`model ${op.model}`)
  if (op.params && Object.keys(op.params).length > 0) details.push(paramText(op.params))
  return details.length > 0 ? `${op.op} (${details.join('; ')})` : op.op
}

/** The whole note, e.g. "Edited with Heirloom 0.1.0: restore (model gfpgan-1.4); age (model e4e; years=20)". */
export function provenanceText(p: Provenance): string {
  const ops = p.operations.map(operationText).join('; ')
  return ops ? `Edited with ${p.software}: ${ops}` : `Edited with ${p.software}`
}
