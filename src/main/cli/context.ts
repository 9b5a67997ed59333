import type { Command } from 'commander'
import { createEngine, type Engine } from '../core/engine'
import { defaultModelsDir } from '../core/models/paths'
import type { ProviderPreference } from '../core/runtime/types'
import { createProgress, type ProgressOptions, type ProgressReporter } from './progress'

export type { ProgressReporter } from './progress'

export const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const

export interface CliGlobals {
  modelsDir: string
  provider: ProviderPreference
  json: boolean
  debug: boolean
}

/** What every command receives: parsed global flags, a lazily built engine, and output writers. */
export interface CliContext {
  globals(): CliGlobals
  engine(): Engine
  out(text: string): void
  err(text: string): void
  /** Progress on stderr: a live bar on a terminal, plain lines otherwise; never on stdout (--json stays clean). */
  progress(opts?: ProgressOptions): ProgressReporter
  dispose(): Promise<void>
}

export function createCliContext(program: Command): CliContext {
  let engine: Engine | undefined

  const globals = (): CliGlobals => {
    const o = program.opts<{ modelsDir?: string; provider?: ProviderPreference; json?: boolean; debug?: boolean }>()
    return {
      modelsDir: o.modelsDir ?? process.env.HEIRLOOM_MODELS_DIR ?? defaultModelsDir(),
      provider: o.provider ?? 'auto',
      json: o.json === true,
      debug: o.debug === true
    }
  }

  const progress = (opts: ProgressOptions = {}): ProgressReporter => createProgress(opts)

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
              bar = progress({ unit: 'bytes' })
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
