import type { Command } from 'commander'
import { SingleBar, Presets } from 'cli-progress'
import { createEngine, type Engine } from '../core/engine'
import { credentialsDirFor } from '../core/credentials/identity'
import { applyCredentials, type CredentialsSettings } from '../core/credentials/worker-config'
import { defaultModelsDir } from '../core/models/paths'
import { ModelStore } from '../core/models/store'
import type { ProviderPreference } from '../core/runtime/types'

export const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const

export interface CliGlobals {
  modelsDir: string
  provider: ProviderPreference
  json: boolean
  debug: boolean
  /** Content Credentials on written photos (--no-credentials turns them off). */
  credentials?: CredentialsSettings
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

  const globals = (): CliGlobals => {
    const o = program.opts<{
      modelsDir?: string
      provider?: ProviderPreference
      json?: boolean
      debug?: boolean
      credentials?: boolean
    }>()
    const modelsDir = o.modelsDir ?? process.env.HEIRLOOM_MODELS_DIR ?? defaultModelsDir()
    return {
      modelsDir,
      provider: o.provider ?? 'auto',
      json: o.json === true,
      debug: o.debug === true,
      credentials: { enabled: o.credentials !== false, dir: credentialsDirFor(modelsDir) }
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
    return {
      start(total, label = '') {
        active = true
        bar.start(total, 0, { label })
      },
      update(value, label) {
        if (active) bar.update(value, label === undefined ? undefined : { label })
      },
      stop() {
        if (active) bar.stop()
        active = false
      }
    }
  }

  // Commands that write photos in this thread (crop, generate) sign like the worker does.
  program.hook('preAction', () => {
    const g = globals()
    applyCredentials(g.credentials, new ModelStore({ dir: g.modelsDir }))
  })

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
      await engine?.dispose()
      engine = undefined
    }
  }
}
