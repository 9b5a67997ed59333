import { DEFAULT_PARSER_ID, HELPER_IDS } from '../../core/pipeline/face-helpers'
import type { Command } from 'commander'
import { resolve } from 'node:path'
import { HeirloomError } from '../../core/errors'
import { describeModels } from '../../core/queue/model-check'
import {
  DEFAULT_QUEUE,
  drainQueue,
  enqueueFolder,
  queueReport,
  queueStatus,
  retryFailed,
  type QueueCounts,
  type Recipe
} from '../../core/queue/queue-admin'
import { parseRedisUrl, type RedisTarget } from '../../core/queue/redis-url'
import { DEFAULT_DETECTOR } from '../../core/stages/detect/detect-faces'
import { defaultRestorerId } from '../../core/pipeline/restore-deps'
import { writeFileAtomic } from '../../core/io/write-atomic'
import { isBatchReport } from '../../core/pipeline/batch'
import { colorizerModelId } from '../../core/stages/color'
import { LAMA_MODEL_ID } from '../../core/stages/repair/types'
import type { CliContext } from '../context'
import { recipeStepsFromFlags } from '../recipe-options'
import { addRestoreOptions, choiceFromFlags, jobOptionsFromFlags, type RestoreFlags } from './restore'
import { DEFAULT_RESTORE_STRENGTH } from '../../../shared/defaults'

interface QueueFlags {
  redis?: string
  queue: string
}

/** `--redis` or HEIRLOOM_REDIS_URL; the URL is checked here and never printed with its password. */
export function redisTarget(flags: { redis?: string }): RedisTarget {
  const raw = flags.redis ?? process.env.HEIRLOOM_REDIS_URL
  if (!raw)
    throw new HeirloomError('INVALID_REQUEST', 'Give the queue server with --redis <url> (or HEIRLOOM_REDIS_URL).')
  return parseRedisUrl(raw)
}

export function addQueueTarget(cmd: Command): Command {
  return cmd
    .option('--redis <url>', 'Redis server, redis://[user:password@]host:port[/db] (env HEIRLOOM_REDIS_URL)')
    .option('--queue <name>', 'queue name', DEFAULT_QUEUE)
}

function countsLine(c: QueueCounts): string {
  return `${c.waiting + c.prioritized} waiting, ${c.active} running, ${c.completed} done, ${c.failed} failed`
}

async function recipeFromFlags(ctx: CliContext, flags: RestoreFlags): Promise<Recipe> {
  if (flags.modelFile) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      'Queued jobs name models by id: import the file on every worker (`heirloom models import <id> <file>`) and pass --model <id>.'
    )
  }
  const choice = choiceFromFlags(flags)
  const o = jobOptionsFromFlags(flags)
  const upscale = o.upscale ?? 1
  if (upscale !== 1 && upscale !== 2 && upscale !== 4)
    throw new HeirloomError('INVALID_REQUEST', '--upscale is 1, 2 or 4.')
  const steps = recipeStepsFromFlags(flags, 'folder')
  const ids = [choice.model ?? defaultRestorerId(), flags.detector ?? DEFAULT_DETECTOR]
  if (choice.bgUpscaler) ids.push(choice.bgUpscaler)
  // Workers never download: the helpers a job needs must be installed there (checked like any model).
  if (o.minIdentity !== undefined) ids.push(HELPER_IDS.identity)
  if (o.paste === 'regions') ids.push(DEFAULT_PARSER_ID)
  for (const s of steps ?? []) {
    if (s.op === 'color' && s.colorizerFile)
      throw new HeirloomError(
        'INVALID_REQUEST',
        'Queued jobs name models by id: import the colouriser on every worker and pass --colorize <model>.'
      )
    if (s.op === 'color' && s.colorize && s.colorize !== 'none') ids.push(colorizerModelId(s.colorize))
    if (s.op === 'repair' && s.modelFile)
      throw new HeirloomError(
        'INVALID_REQUEST',
        'Queued jobs name models by id: import LaMa on every worker (`heirloom models import lama-2025jan <file>`).'
      )
    if (s.op === 'repair' && s.method === 'lama') ids.push(LAMA_MODEL_ID)
  }
  const detect = Object.fromEntries(Object.entries(choice.detect ?? {}).filter(([, v]) => v !== undefined))
  return {
    operation: 'restore',
    choice: {
      ...(choice.model ? { model: choice.model } : {}),
      ...(choice.bgUpscaler ? { bgUpscaler: choice.bgUpscaler } : {}),
      ...(choice.bgTile ? { bgTile: choice.bgTile } : {}),
      detect
    },
    options: {
      faces: o.faces === undefined || o.faces === 'all' ? 'all' : [...o.faces],
      strength: o.strength ?? DEFAULT_RESTORE_STRENGTH,
      fidelity: o.fidelity ?? 0.5,
      upscale,
      colorTransfer: o.colorTransfer === true,
      overwrite: flags.overwrite === true,
      ...(o.paste ? { paste: o.paste } : {}),
      ...(o.minIdentity !== undefined ? { minIdentity: o.minIdentity } : {})
    },
    ...(steps ? { steps } : {}),
    models: await describeModels(ctx.engine().store, ids)
  }
}

export function registerQueueCommand(program: Command, ctx: CliContext): void {
  const queue = program
    .command('queue')
    .description('spread a batch over many machines through Redis (BullMQ): add photos, watch, report')
  addRestoreOptions(
    addQueueTarget(
      queue
        .command('add')
        .description('queue every photo of a folder (one job each; adding again adds nothing twice)')
        .argument('<dir>', 'input folder on storage every worker mounts at the same path (never written to)')
        .requiredOption('--out <dir>', 'output folder on the shared storage (mirrors the input tree)')
        .option('--recursive', 'include sub-folders')
    )
  ).action(async (dir: string, flags: RestoreFlags & QueueFlags & { out: string; recursive?: boolean }) => {
    const target = redisTarget(flags)
    const recipe = await recipeFromFlags(ctx, flags)
    const r = await enqueueFolder({
      target,
      queue: flags.queue,
      inputDir: resolve(dir),
      outputDir: resolve(flags.out),
      recursive: flags.recursive === true,
      recipe
    })
    if (ctx.globals().json) ctx.out(JSON.stringify(r))
    else
      ctx.out(
        `queue "${r.queue}" on ${target.shown}: ${r.added} photo(s) added (${r.photos - r.added} already queued); ${countsLine(r.counts)}`
      )
  })

  addQueueTarget(queue.command('status').description('job counts')).action(async (flags: QueueFlags) => {
    const target = redisTarget(flags)
    const c = await queueStatus(target, flags.queue)
    ctx.out(
      ctx.globals().json
        ? JSON.stringify({ queue: flags.queue, counts: c })
        : `queue "${flags.queue}": ${countsLine(c)}`
    )
  })

  addQueueTarget(
    queue
      .command('report')
      .description('per-photo results, the same JSON report as a local batch')
      .option('--report <file>', 'also write the JSON report to this file')
      .option('--overwrite', 'replace an existing report file')
  ).action(async (flags: QueueFlags & { report?: string; overwrite?: boolean }) => {
    const target = redisTarget(flags)
    const r = await queueReport(target, flags.queue)
    if (flags.report) {
      await writeFileAtomic(resolve(flags.report), Buffer.from(JSON.stringify(r, null, 2)), {
        overwrite: flags.overwrite === true,
        // The same guard as a local batch report: never into the input tree, its own earlier report replaceable.
        inputRoots: r.inputDir ? [r.inputDir] : [],
        replaceable: isBatchReport
      })
    }
    if (ctx.globals().json) ctx.out(JSON.stringify(r))
    else {
      ctx.out(
        `queue "${r.queue}": ${r.files.length} finished of ${r.total}: ${r.ok} restored, ${r.noFace} without a face, ` +
          `${r.skipped} skipped, ${r.errors} failed; ${r.pending} still queued or running`
      )
      for (const f of r.files) if (f.status === 'error') ctx.err(`  ${f.file}: ${f.code}: ${f.message}`)
    }
  })

  addQueueTarget(queue.command('retry-failed').description('put failed jobs back in the queue')).action(
    async (flags: QueueFlags) => {
      const n = await retryFailed(redisTarget(flags), flags.queue)
      ctx.out(ctx.globals().json ? JSON.stringify({ retried: n }) : `${n} failed job(s) queued again`)
    }
  )

  addQueueTarget(
    queue.command('drain').description('remove the jobs not started yet (running ones finish, results stay)')
  ).action(async (flags: QueueFlags) => {
    const n = await drainQueue(redisTarget(flags), flags.queue)
    ctx.out(ctx.globals().json ? JSON.stringify({ removed: n }) : `${n} waiting job(s) removed`)
  })
}
