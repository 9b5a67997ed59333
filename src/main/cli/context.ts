import type { Command } from 'commander'
import { SingleBar, Presets } from 'cli-progress'
import { createEngine, type Engine } from '../core/engine'
import { defaultModelsDir } from '../core/models/paths'
import type { ProviderPreference } from '../core/runtime/types'

export const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const

export interface CliGlobals {
  modelsDir: string
  provider: ProviderPreference
  json: boolean
  debug: boolean
  /** --accept-license or HEIRLOOM_ACCEPT_LICENSE=1: non-commercial models may be downloaded without asking. */
  acceptLicense: boolean
}

export interface ProgressReporter {
  start(total: number, label?: string): void
  update(value: number, label?: string): void
  stop(): void
}

/** What every command receives: parsed global flags, a lazily built engine, and output writers. */
export interface CliContext {
  globals(): CliGlobals
  engine(): Engine
  out(text: string): void
  err(text: string): void
  /** A progress bar on stderr (silent when stderr is not a TTY and --json is set). */
  progress(): ProgressReporter
  dispose(): Promise<void>
}

export function createCliContext(program: Command): CliContext {
  let engine: Engine | undefined
  // Every bar still running: cli-progress redraws on a timer that keeps the process alive, so dispose stops them all
  // (a download that fails half-way never reaches its own stop()).
  const running = new Set<ProgressReporter>()

  const globals = (): CliGlobals => {
    const o = program.opts<{
      modelsDir?: string
      provider?: ProviderPreference
      json?: boolean
      debug?: boolean
      acceptLicense?: boolean
    }>()
    return {
      modelsDir: o.modelsDir ?? process.env.HEIRLOOM_MODELS_DIR ?? defaultModelsDir(),
      provider: o.provider ?? 'auto',
      json: o.json === true,
      debug: o.debug === true,
      acceptLicense: o.acceptLicense === true || process.env.HEIRLOOM_ACCEPT_LICENSE === '1'
    }
  }

  const progress = (): ProgressReporter => {
    const bar = new SingleBar(
      {
        stream: process.stderr,
        format: '{label} [{bar}] {percentage}% | {value}/{total}',
        hideCursor: true,
        // Logs and CI have no terminal: print a line now and then instead of redrawing one.
        noTTYOutput: true,
        notTTYSchedule: 1000
      },
      Presets.shades_classic
    )
    let active = false
    const reporter: ProgressReporter = {
      start(total, label = '') {
        active = true
        running.add(reporter)
        bar.start(total, 0, { label })
      },
      update(value, label) {
        if (active) bar.update(value, label === undefined ? undefined : { label })
      },
      stop() {
        if (active) bar.stop()
        active = false
        running.delete(reporter)
      }
    }
    return reporter
  }

  return {
    globals,
    engine() {
      if (!engine) {
        const g = globals()
        let bar: ProgressReporter | undefined
        engine = createEngine({
          modelsDir: g.modelsDir,
          provider: g.provider,
          autoDownload: true,
          acceptLicences: g.acceptLicense,
          onDownloadProgress: (p) => {
            // Start on the first event that knows the size: a resumed download starts past zero.
            if (!bar && p.total) {
              bar = progress()
              bar.start(p.total, `downloading ${p.id ?? 'model'}`)
            }
            bar?.update(p.received)
            if (p.done) {
              bar?.stop()
              bar = undefined
            }
          }
        })
      }
      return engine
    },
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    progress,
    async dispose() {
      for (const bar of [...running]) bar.stop()
      await engine?.dispose()
      engine = undefined
    }
  }
}
