import type { CredentialsOutcome } from '../credentials/embed'
import { throwIfAborted } from '../errors'
import { decodePhoto } from '../image/decode'
import type { OutputFormat } from '../image/encode'
import type { DecodedPhoto } from '../image/types'
import type { ProvenanceOp } from '../image/provenance'
import type { ExportOptions } from './edit-session'
import type { SaveResult } from '../image/write'
import type { ProgressSink } from './progress'

/** Options every whole-file job (restore, age) takes on top of its edit options. */
/** Anything that writes the edited photo: an edit session, or a recipe's result. */
export interface ExportsPhoto {
  export(path: string, opts?: ExportOptions): Promise<SaveResult>
}

export interface FileJobOptions {
  signal?: AbortSignal
  onProgress?: ProgressSink
  overwrite?: boolean
  /** Folders never written into (a batch's input folder). */
  inputRoots?: string[]
  format?: OutputFormat
  quality?: number
}

interface TimedReport {
  /** What had to be left out, in words (from decoding: e.g. metadata too large, dropped). */
  notes?: string[]
  timings: { decode?: number; export?: number; total: number }
  /** Whether the written photo carries Content Credentials, and if not why. */
  credentials?: CredentialsOutcome
  /** Extra operations for the provenance note (e.g. the identity check). */
  provenance?: ProvenanceOp[]
}

/**
 * decode -> `edit` -> export (atomic, never over the input, metadata + provenance kept), adding the decode, export
 * and total times to the edit's report.
 */
export async function runFileJob<R extends TimedReport>(
  input: string,
  output: string,
  opts: FileJobOptions,
  edit: (photo: DecodedPhoto) => Promise<{ session: ExportsPhoto; report: R }>
): Promise<R> {
  const t0 = performance.now()
  opts.onProgress?.({ stage: 'decode' })
  const photo = await decodePhoto(input)
  const t1 = performance.now()
  const { session, report } = await edit(photo)
  throwIfAborted(opts.signal)
  opts.onProgress?.({ stage: 'export' })
  const t2 = performance.now()
  const saved = await session.export(output, {
    overwrite: opts.overwrite,
    inputRoots: opts.inputRoots,
    format: opts.format,
    quality: opts.quality,
    ...(report.provenance ? { extraOperations: report.provenance } : {})
  })
  const t3 = performance.now()
  report.timings.decode = t1 - t0
  report.timings.export = t3 - t2
  report.timings.total = t3 - t0
  if (photo.notes) report.notes = [...(report.notes ?? []), ...photo.notes]
  report.credentials = saved.credentials
  return report
}
