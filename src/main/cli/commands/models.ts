import type { Command } from 'commander'
import { MODEL_FAMILIES, MODEL_KINDS, type ModelFamily } from '../../../shared/model-manifest'
import { HeirloomError } from '../../core/errors'
import type { ModelStatus } from '../../core/models/store'
import type { CliContext } from '../context'
import { registerModelsInspect } from './models-inspect'

function formatBytes(n: number | undefined): string {
  if (n === undefined) return '?'
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GB`
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KB`
  return `${n} B`
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)))
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd()
    )
    .join('\n')
}

function stateLabel(m: ModelStatus): string {
  if (m.state === 'partial') return `partial (${formatBytes(m.bytes)})`
  return m.state
}

/** The licence notice printed before a non-commercial model is downloaded or imported. */
export function licenceNotice(m: { name: string; license: string; commercialUse: boolean }): string | undefined {
  if (m.commercialUse) return undefined
  return `NOTICE: ${m.name} is licensed "${m.license}": NOT for commercial use. Use it only for personal, non-commercial work.`
}

export function registerModelsCommand(program: Command, ctx: CliContext): void {
  const models = program.command('models').description('list, download, import, verify and remove models')
  registerModelsInspect(models, ctx)

  models
    .command('list')
    .description('show every model, its state and licence (--json for machine-readable output)')
    .action(() => {
      const list = ctx.engine().store.list()
      if (ctx.globals().json) {
        ctx.out(JSON.stringify({ modelsDir: ctx.engine().store.dir, models: list }, null, 2))
        return
      }
      const rows = [['ID', 'KIND', 'STATE', 'SIZE', 'LICENCE']]
      for (const m of list) {
        const licence = `${m.license}${m.commercialUse ? '' : ' [non-commercial]'}`
        rows.push([`${m.id}${m.default ? ' *' : ''}`, m.kind, stateLabel(m), formatBytes(m.size ?? m.bytes), licence])
      }
      ctx.out(table(rows))
      ctx.out(`\n* default for its kind. Models folder: ${ctx.engine().store.dir}`)
    })

  models
    .command('fetch')
    .description('download models (verified by checksum; interrupted downloads resume)')
    .argument('<ids...>', 'model ids (see `heirloom models list`)')
    .action(async (ids: string[]) => {
      const store = ctx.engine().store
      for (const id of ids) store.entry(id) // fail on a typo before downloading anything
      const results: { id: string; path: string }[] = []
      for (const id of ids) {
        const entry = store.entry(id)
        const notice = licenceNotice(entry)
        if (notice) ctx.err(notice)
        if (store.status(id).state === 'installed') {
          if (!ctx.globals().json) ctx.err(`${id}: already installed`)
          results.push({ id, path: store.pathFor(id) })
          continue
        }
        const bar = ctx.progress()
        let started = false
        const path = await store.fetch(id, {
          onProgress: (p) => {
            if (!started && p.total) {
              bar.start(p.total, id)
              started = true
            }
            if (started) bar.update(p.received)
          }
        })
        bar.stop()
        results.push({ id, path })
        if (!ctx.globals().json) ctx.err(`${id}: downloaded and verified -> ${path}`)
      }
      if (ctx.globals().json) ctx.out(JSON.stringify({ fetched: results }, null, 2))
    })

  models
    .command('import')
    .description('copy a model file into the models folder: `import <id> <file>` or `import --kind <kind> <file>`')
    .argument('<idOrFile>', 'a model id, or the file when --kind is given')
    .argument('[file]', 'the model file')
    .option('--kind <kind>', `import as a custom model of this kind (${MODEL_KINDS.join(', ')})`)
    .option('--family <family>', `custom model family (${MODEL_FAMILIES.join(', ')})`)
    .option('--name <name>', 'display name for a custom model')
    .action(
      async (idOrFile: string, file: string | undefined, flags: { kind?: string; family?: string; name?: string }) => {
        const store = ctx.engine().store
        let status: ModelStatus
        if (flags.kind !== undefined) {
          if (file !== undefined) throw new HeirloomError('INVALID_REQUEST', 'With --kind, give only the file.')
          if (!(MODEL_KINDS as readonly string[]).includes(flags.kind)) {
            throw new HeirloomError('INVALID_REQUEST', `Unknown kind "${flags.kind}" (${MODEL_KINDS.join(', ')})`)
          }
          if (flags.family !== undefined && !(MODEL_FAMILIES as readonly string[]).includes(flags.family)) {
            throw new HeirloomError(
              'INVALID_REQUEST',
              `Unknown family "${flags.family}" (${MODEL_FAMILIES.join(', ')})`
            )
          }
          status = await store.importFile(flags.kind, idOrFile, {
            ...(flags.family ? { family: flags.family as ModelFamily } : {}),
            ...(flags.name ? { name: flags.name } : {})
          })
        } else {
          if (file === undefined)
            throw new HeirloomError(
              'INVALID_REQUEST',
              'Usage: heirloom models import <id> <file> | --kind <kind> <file>'
            )
          const notice = licenceNotice(store.entry(idOrFile))
          if (notice) ctx.err(notice)
          status = await store.importFile(idOrFile, file)
        }
        if (ctx.globals().json) ctx.out(JSON.stringify(status, null, 2))
        else ctx.out(`${status.id}: imported (${status.state}) -> ${status.path}`)
      }
    )

  models
    .command('verify')
    .description('re-hash installed models against their pinned or recorded SHA-256')
    .argument('[id]', 'one model (default: every installed model)')
    .action(async (id: string | undefined) => {
      const store = ctx.engine().store
      const ids =
        id !== undefined
          ? [id]
          : store
              .list()
              .filter((m) => m.state === 'installed' || m.state === 'unverified')
              .map((m) => m.id)
      const results: { id: string; ok: boolean }[] = []
      for (const m of ids) {
        if (!store.isInstalled(m)) throw new HeirloomError('MODEL_MISSING', `${m} is not installed.`, { modelId: m })
        results.push({ id: m, ok: await store.verify(m) })
      }
      if (ctx.globals().json) ctx.out(JSON.stringify({ results }, null, 2))
      else if (results.length === 0) ctx.out('No models installed.')
      else
        for (const r of results)
          ctx.out(`${r.id}: ${r.ok ? 'OK' : 'FAILED (re-download with `heirloom models fetch`)'}`)
      const bad = results.filter((r) => !r.ok)
      if (bad.length > 0) {
        throw new HeirloomError(
          'MODEL_INVALID',
          `${bad.length} model file(s) failed verification: ${bad.map((r) => r.id).join(', ')}`
        )
      }
    })

  models
    .command('remove')
    .description('delete a model file (and any partial download)')
    .argument('<id>', 'model id')
    .action(async (id: string) => {
      const store = ctx.engine().store
      store.entry(id)
      await ctx.engine().sessions.dispose(store.pathFor(id))
      await store.remove(id)
      if (ctx.globals().json) ctx.out(JSON.stringify({ removed: id }))
      else ctx.out(`${id}: removed`)
    })
}
