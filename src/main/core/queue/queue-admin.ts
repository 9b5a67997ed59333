import { realpath, stat } from 'node:fs/promises'
import { relative, resolve, sep } from 'node:path'
import { Queue, type Job } from 'bullmq'
import { isErrorCode } from '../../../shared/errors'
import { HeirloomError } from '../errors'
import { listPhotos, REPORT_KIND, type BatchFileResult, type BatchReport } from '../pipeline/batch'
import { assertRedisReachable, bullConnection } from './connection'
import { queueJobResultSchema, type QueueJobData } from './job-data'
import { queueJobId } from './job-id'
import type { RedisTarget } from './redis-url'

export const DEFAULT_QUEUE = 'heirloom'
const STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'] as const
export type QueueCounts = Record<(typeof STATES)[number], number>

export type Recipe = Pick<QueueJobData, 'operation' | 'choice' | 'options' | 'models' | 'steps'>

async function openQueue(target: RedisTarget, name: string): Promise<Queue> {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
    throw new HeirloomError('INVALID_REQUEST', 'A queue name is 1-64 letters, digits, ".", "_" or "-".')
  }
  await assertRedisReachable(target)
  return new Queue(name, { connection: bullConnection(target) })
}

async function withQueue<T>(target: RedisTarget, name: string, fn: (q: Queue) => Promise<T>): Promise<T> {
  const q = await openQueue(target, name)
  try {
    return await fn(q)
  } finally {
    await q.close()
  }
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel))
}

async function counts(q: Queue): Promise<QueueCounts> {
  const c = await q.getJobCounts(...STATES)
  return Object.fromEntries(STATES.map((s) => [s, c[s] ?? 0])) as QueueCounts
}

/** One job per photo; ids hash input + recipe, so adding the same folder again adds nothing twice. */
export async function enqueueFolder(o: {
  target: RedisTarget
  queue: string
  inputDir: string
  outputDir: string
  recursive: boolean
  recipe: Recipe
}): Promise<{ queue: string; photos: number; added: number; counts: QueueCounts }> {
  const info = await stat(o.inputDir).catch(() => undefined)
  if (!info?.isDirectory()) throw new HeirloomError('NOT_FOUND', `Input folder not found: ${o.inputDir}`)
  const inputRoot = await realpath(o.inputDir)
  const outputRoot = await realpath(resolve(o.outputDir)).catch(() => resolve(o.outputDir))
  if (inside(outputRoot, inputRoot) || inside(inputRoot, outputRoot)) {
    throw new HeirloomError('FORBIDDEN', 'The output folder must not be inside the input folder (or contain it).')
  }
  const files = await listPhotos(inputRoot, o.recursive)
  return withQueue(o.target, o.queue, async (q) => {
    const before = await q.count().then(async (n) => n + (await q.getCompletedCount()) + (await q.getFailedCount()))
    const jobs = files.map((file) => {
      const data: QueueJobData = { version: 1, inputRoot, outputRoot, file, ...o.recipe }
      return {
        name: o.recipe.operation,
        data,
        opts: { jobId: queueJobId(data), attempts: 1, removeOnComplete: false, removeOnFail: false }
      }
    })
    for (let i = 0; i < jobs.length; i += 500) await q.addBulk(jobs.slice(i, i + 500))
    const after = await q.count().then(async (n) => n + (await q.getCompletedCount()) + (await q.getFailedCount()))
    return { queue: o.queue, photos: files.length, added: after - before, counts: await counts(q) }
  })
}

export function queueStatus(target: RedisTarget, queue: string): Promise<QueueCounts> {
  return withQueue(target, queue, counts)
}

function failedRow(job: Job): BatchFileResult {
  const data = job.data as Partial<QueueJobData>
  const reason = job.failedReason ?? 'failed'
  const m = /^([A-Z_]+): (.*)$/s.exec(reason)
  const code = m && isErrorCode(m[1]) ? m[1] : 'INTERNAL'
  return {
    file: typeof data.file === 'string' ? data.file : (job.id ?? '?'),
    status: 'error',
    code,
    message: m ? m[2] : reason
  }
}

/** The same JSON report as a local batch, built from the jobs' recorded results. */
export async function queueReport(
  target: RedisTarget,
  queue: string
): Promise<BatchReport & { queue: string; pending: number }> {
  return withQueue(target, queue, async (q) => {
    const done = await q.getJobs(['completed'], 0, -1)
    const failed = await q.getJobs(['failed'], 0, -1)
    const c = await counts(q)
    const files: BatchFileResult[] = []
    for (const j of done) {
      const r = queueJobResultSchema.safeParse(j.returnvalue)
      if (r.success)
        files.push({ file: r.data.file, status: r.data.status, output: r.data.output, faces: r.data.faces })
    }
    for (const j of failed) files.push(failedRow(j))
    files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    const first = (done[0] ?? failed[0])?.data as Partial<QueueJobData> | undefined
    return {
      kind: REPORT_KIND,
      queue,
      inputDir: first?.inputRoot ?? '',
      outputDir: first?.outputRoot ?? '',
      total: files.length + c.waiting + c.active + c.delayed + c.prioritized,
      pending: c.waiting + c.active + c.delayed + c.prioritized,
      ok: files.filter((f) => f.status === 'ok').length,
      noFace: files.filter((f) => f.status === 'no-face').length,
      errors: files.filter((f) => f.status === 'error').length,
      skipped: files.filter((f) => f.status === 'skipped').length,
      cancelled: false,
      files,
      skippedEntries: []
    }
  })
}

export function retryFailed(target: RedisTarget, queue: string): Promise<number> {
  return withQueue(target, queue, async (q) => {
    const n = await q.getFailedCount()
    await q.retryJobs({ state: 'failed' })
    return n
  })
}

/** Removes the jobs not yet started (running ones finish; finished ones keep their results). */
export function drainQueue(target: RedisTarget, queue: string): Promise<number> {
  return withQueue(target, queue, async (q) => {
    const c = await counts(q)
    await q.drain(true)
    return c.waiting + c.delayed + c.prioritized
  })
}
