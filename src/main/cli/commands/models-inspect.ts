import type { Command } from 'commander'
import type { ModelInspection } from '../../../shared/model-inspection'
import { HeirloomError } from '../../core/errors'
import { inspectModel } from '../../core/models/inspect'
import type { CliContext } from '../context'

const dims = (d: readonly (number | string)[]): string => (d.length === 0 ? '(shape not declared)' : `[${d.join(',')}]`)

function pad(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd()
  )
}

/** The human-readable report: the file's facts, then the verdict field by field. */
export function formatInspection(r: ModelInspection): string {
  const lines: string[] = []
  const opsets = (r.opsets ?? []).map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')
  const format =
    r.format === 'npy'
      ? 'NumPy array'
      : `ONNX${r.irVersion !== undefined ? `, IR ${r.irVersion}` : ''}${opsets ? `, opset ${opsets}` : ''}${
          r.producer ? `, from ${r.producer}` : ''
        }`
  lines.push(`file     ${r.file}`, `size     ${r.bytes} bytes`, `sha256   ${r.sha256}`, `format   ${format}`)
  const io = (label: string, list: ModelInspection['inputs']): void => {
    if (list.length === 0) return
    pad(list.map((t) => [t.name, t.dtype, dims(t.dims)])).forEach((l, i) =>
      lines.push(`${i === 0 ? label.padEnd(8) : '        '} ${l}`)
    )
  }
  io('inputs', r.inputs)
  io('outputs', r.outputs)
  const c = r.checkedAgainst
  lines.push(
    c
      ? `contract ${c.id} (${c.name}; ${c.kind}, ${c.family}): ${c.reason}`
      : 'contract none: the file name and SHA-256 match no manifest model (use --as <id>)'
  )
  if (r.fits) lines.push(`fits     ${r.fits.length > 0 ? r.fits.join(', ') : 'no manifest contract'}`)
  const v = r.verdict
  lines.push(`verdict  ${v.ok === undefined ? 'nothing to check against' : v.ok ? 'FITS' : 'DOES NOT FIT'}`)
  const rows = v.tensors.map((t) => [
    (t.ok ? 'ok' : 'FAIL').padEnd(4),
    `${t.role} ${t.name}${t.optional ? '?' : ''}`,
    `expected ${t.expected}`,
    t.found ? `found ${t.found} (by ${t.by})` : t.optional ? 'absent (optional)' : 'found nothing',
    t.why ?? ''
  ])
  if (rows.length > 0) for (const l of pad(rows)) lines.push(`  ${l}`)
  // Notes are sentences: one line each, not padded into the tensor columns.
  const field = Math.max(0, ...v.notes.map((n) => n.field.length))
  for (const n of v.notes) lines.push(`  ${(n.ok ? 'ok' : 'FAIL').padEnd(4)}  ${n.field.padEnd(field)}  ${n.text}`)
  if (v.problem) lines.push(`problem  ${v.problem}`)
  return lines.join('\n')
}

export function registerModelsInspect(models: Command, ctx: CliContext): void {
  models
    .command('inspect')
    .description("show a model file's tensors, opset, size and SHA-256, and whether it fits its manifest contract")
    .argument('<idOrFile>', 'an installed model id, or a model file')
    .option('--as <id>', "check the file against this manifest model's contract")
    .action(async (idOrFile: string, flags: { as?: string }) => {
      const report = await inspectModel(ctx.engine().store, idOrFile, flags.as ? { as: flags.as } : {})
      ctx.out(ctx.globals().json ? JSON.stringify(report, null, 2) : formatInspection(report))
      // Exit 7 when the file does not fit, so scripts can tell; the report above says why.
      if (report.verdict.ok === false) {
        throw new HeirloomError(
          'MODEL_CONTRACT',
          report.verdict.problem ??
            `${idOrFile} does not fit the contract of ${report.checkedAgainst?.id ?? 'any model'}`
        )
      }
    })
}
