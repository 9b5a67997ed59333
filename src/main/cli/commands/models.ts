import type { Command } from 'commander'
import { MODEL_FAMILIES, MODEL_KINDS, type ModelFamily } from '../../../shared/model-manifest'
import { HeirloomError } from '../../core/errors'
import { CHECK_LABELS } from '../../core/models/checks'
import type { FetchOutcome, ModelStatus } from '../../core/models/store'
import type { CliContext } from '../context'
import { registerModelsInspect } from './models-inspect'
import { acceptLicence } from '../../core/models/licences'

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

/** Exactly what a download proved, for the line printed after it. */
export function checkWords(o: FetchOutcome): string {
  if (o.check === 'sha256-pinned') return 'SHA-256 matches the pinned value'
  if (o.check === 'publisher-crc32') return "CRC32 matches the publisher's; contract checked; SHA-256 recorded"
  return `not verified against the publisher${o.note ? ` (${o.note})` : ''}; contract checked; SHA-256 recorded for later \`models verify\``
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
      const rows = [['ID', 'KIND', 'STATE', 'SIZE', 'CHECK', 'LICENCE']]
      for (const m of list) {
        const licence = `${m.license}${m.commercialUse ? '' : ' [non-commercial]'}`
        rows.push([
          `${m.id}${m.default ? ' *' : ''}`,
          m.kind,
          stateLabel(m),
          formatBytes(m.size ?? m.bytes),
          CHECK_LABELS[m.check],
          licence
        ])
      }
      ctx.out(table(rows))
      // CC-BY models must be credited wherever they are used (FairFace).
      for (const e of ctx.engine().store.manifest.models) {
        const by = e.options?.attribution
        if (typeof by === 'string') ctx.out(`${e.id}: ${e.license}, attribution: ${by}`)
      }
      ctx.out(
        `\n* default for its kind. CHECK: what proves a download is the publisher's file (see the README). Models folder: ${ctx.engine().store.dir}`
      )
    })

  models
    .command('fetch')
    .description('download models (checked as `models list` shows; interrupted downloads resume)')
    .argument('<ids...>', 'model ids (see `heirloom models list`)')
    .action(async (ids: string[]) => {
      const store = ctx.engine().store
      for (const id of ids) store.entry(id) // fail on a typo before downloading anything
      const results: { id: string; path: string; check: string }[] = []
      for (const id of ids) {
        const entry = store.entry(id)
        const notice = licenceNotice(entry)
        if (notice) ctx.err(notice)
        if (store.status(id).state === 'installed') {
          if (!ctx.globals().json) ctx.err(`${id}: already installed`)
          results.push({ id, path: store.pathFor(id), check: store.status(id).check })
          continue
        }
        // Asking for a model by name is accepting its licence: automatic downloads will not ask again.
        if (!entry.commercialUse) await acceptLicence(store.dir, id)
        const bar = ctx.progress({ unit: 'bytes' })
        let started = false
        let outcome: FetchOutcome
        try {
          outcome = await store.install(id, {
            onProgress: (p) => {
              if (!started && p.total) {
                bar.start(p.total, id)
                started = true
              }
              if (started) bar.update(p.received)
            }
          })
        } finally {
          // A running bar's timer keeps the process alive: stop it however the download ends.
          bar.stop()
        }
        results.push({ id, path: outcome.path, check: outcome.check })
        if (!ctx.globals().json) ctx.err(`${id}: downloaded (${checkWords(outcome)}) -> ${outcome.path}`)
      }
      if (ctx.globals().json) ctx.out(JSON.stringify({ fetched: results }, null, 2))
    })

  models
    .command('import')
    .description('copy a model file into the models folder: `import <id> <file>` or `import --kind <kind> <file>`')
    .argument('<idOrFile>', 'a model id, or the file when --kind is given')
    .argument('[file]', 'the model file')
    .option('--kind <kind>', `import as a custom model of this kind (${MODEL_KINDS.join(', ')})`)
    .option(
      '--family <family>',
      `custom model family (${MODEL_FAMILIES.join(', ')}); default: the manifest's for the kind, stylegan2 for mapping`
    )
    .option('--name <name>', 'display name for a custom model')
    .action(
      async (idOrFile: string, file: string | undefined, flags: { kind?: string; family?: string; name?: string }) => {
        const store = ctx.engine().store
        let status: ModelStatus
        // `import <kind> <file>` (e.g. `import mapping f.onnx`) means `import --kind <kind> <file>`: no model id is a kind.
        if (flags.kind === undefined && file !== undefined && (MODEL_KINDS as readonly string[]).includes(idOrFile)) {
          flags = { ...flags, kind: idOrFile }
          idOrFile = file
          file = undefined
        }
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
      const results: { id: string; ok: boolean; files: { file: string; ok: boolean; reason?: string }[] }[] = []
      for (const m of ids) {
        if (!store.isInstalled(m)) throw new HeirloomError('MODEL_MISSING', `${m} is not installed.`, { modelId: m })
        results.push({ id: m, ...(await store.verifyFiles(m)) })
      }
      if (ctx.globals().json) ctx.out(JSON.stringify({ results }, null, 2))
      else if (results.length === 0) ctx.out('No models installed.')
      else
        for (const r of results) {
          // Say what was compared: the SHA-256 pinned or recorded for each file (external data included).
          const files = r.files.map((f) => (f.ok ? f.file : `${f.file}: ${f.reason}`)).join(', ')
          ctx.out(
            r.ok
              ? `${r.id}: OK (SHA-256 of ${files})`
              : `${r.id}: FAILED (${files}; re-download with \`heirloom models fetch\`)`
          )
        }
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
      const removed = await store.remove(id)
      if (ctx.globals().json) ctx.out(JSON.stringify({ id, removed }))
      else
        ctx.out(removed.length ? `${id}: removed (${removed.join(', ')})` : `${id}: not installed, nothing to remove`)
    })
}
