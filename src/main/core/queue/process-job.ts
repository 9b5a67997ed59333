import type { BatchFaceIdentity } from '../pipeline/batch'
import { existsSync } from 'node:fs'
import { mkdir, readdir, realpath, rm, stat } from 'node:fs/promises'
import { basename, dirname, join, relative, sep } from 'node:path'
import { HeirloomError, toAppError } from '../errors'
import { planOutputs } from '../pipeline/batch'
import { queueJobSchema, type QueueJobData, type QueueJobResult } from './job-data'

/** Runs the job's recipe on one photo; the same worker call a local batch makes. */
export type QueueProcessor = (
  job: QueueJobData,
  input: string,
  output: string,
  opts: { overwrite: boolean; signal: AbortSignal }
) => Promise<{ faces: number; identity?: BatchFaceIdentity[] }>

export interface JobContext {
  /** How many times BullMQ has started this job, this start included (> 1 after a crash or a stall). */
  attemptsStarted: number
  worker: string
  signal: AbortSignal
  process: QueueProcessor
  checkModels: (models: QueueJobData['models']) => Promise<void>
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel))
}

/** Parses a job's payload with the same strictness as an IPC request; anything else fails the job unrun. */
export function parseJobData(raw: unknown): QueueJobData {
  const r = queueJobSchema.safeParse(raw)
  if (!r.success) {
    const first = r.error.issues[0]
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Malformed job: ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}.`
    )
  }
  return r.data
}

/** Temp files of this output left by a writer killed mid-write (the job's lock says that writer is gone). */
async function clearDeadTemps(output: string): Promise<void> {
  const dir = dirname(output)
  const prefix = `.${basename(output)}.`
  const names = await readdir(dir).catch(() => [] as string[])
  await Promise.all(
    names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => rm(join(dir, n), { force: true }))
  )
}

/**
 * Runs one queued photo with the local batch's guarantees: the input is only read, the output is written once,
 * atomically, inside the job's output root, and never over a file this job did not write.
 */
export async function processQueueJob(raw: unknown, ctx: JobContext): Promise<QueueJobResult> {
  const job = parseJobData(raw)
  const input = join(job.inputRoot, ...job.file.split('/'))
  // The batch engine's mirrored name (a GIF or AVIF photo is written as PNG).
  const output = join(job.outputRoot, ...(planOutputs([job.file]).get(job.file) ?? job.file).split('/'))
  const info = await stat(input).catch(() => undefined)
  if (!info?.isFile()) {
    throw new HeirloomError(
      'NOT_FOUND',
      `Worker ${ctx.worker} cannot see ${input}: mount the shared folder at the same path on every worker.`
    )
  }
  const realInputRoot = await realpath(job.inputRoot)
  await mkdir(job.outputRoot, { recursive: true })
  const realOutputRoot = await realpath(job.outputRoot)
  if (inside(realOutputRoot, realInputRoot) || inside(realInputRoot, realOutputRoot)) {
    throw new HeirloomError('FORBIDDEN', 'The job writes into its own input tree; Heirloom never does.')
  }
  await mkdir(dirname(output), { recursive: true })
  // A symlinked sub-folder must not carry the output outside the job's declared output root.
  if (!inside(await realpath(dirname(output)), realOutputRoot)) {
    throw new HeirloomError('FORBIDDEN', `The job's output ${output} resolves outside its output folder.`)
  }
  await ctx.checkModels(job.models)
  const retry = ctx.attemptsStarted > 1
  if (retry) await clearDeadTemps(output)
  if (existsSync(output) && !job.options.overwrite) {
    // The atomic rename means a file at the output is complete; on a retry it is this job's own earlier write.
    if (retry)
      return { file: job.file, status: 'skipped', output, note: 'written by an earlier attempt', worker: ctx.worker }
    throw new HeirloomError('OUTPUT_EXISTS', `"${output}" already exists; queue again with --overwrite to replace it.`)
  }
  try {
    const r = await ctx.process(job, input, output, { overwrite: job.options.overwrite, signal: ctx.signal })
    return {
      file: job.file,
      status: 'ok',
      output,
      faces: r.faces,
      ...(r.identity && r.identity.length > 0 ? { identity: r.identity } : {}),
      worker: ctx.worker
    }
  } catch (err) {
    if (toAppError(err).code === 'NO_FACE') return { file: job.file, status: 'no-face', worker: ctx.worker }
    throw err
  }
}
