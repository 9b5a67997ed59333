import type { Command } from 'commander'
import { createEngine, type Engine } from '../core/engine'
import { credentialsDirFor } from '../core/credentials/identity'
import { applyCredentials, type CredentialsSettings } from '../core/credentials/worker-config'
import { defaultModelsDir } from '../core/models/paths'
import { ModelStore } from '../core/models/store'
import type { ProviderPreference } from '../core/runtime/types'
import { createProgress, type ProgressOptions, type ProgressReporter } from './progress'
import { PROVIDER_PREFERENCES } from '../../shared/defaults'

export type { ProgressReporter } from './progress'

export const PROVIDERS = PROVIDER_PREFERENCES

export interface CliGlobals {
  modelsDir: string
  provider: ProviderPreference
  json: boolean
  debug: boolean
  /** --accept-license or HEIRLOOM_ACCEPT_LICENSE=1: non-commercial models may be downloaded without asking. */
  acceptLicense: boolean
  /** Content Credentials on written photos (--no-credentials turns them off). */
  credentials?: CredentialsSettings
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
      credentials?: boolean
    }>()
    const modelsDir = o.modelsDir ?? process.env.HEIRLOOM_MODELS_DIR ?? defaultModelsDir()
    return {
      modelsDir,
      provider: o.provider ?? 'auto',
      json: o.json === true,
      debug: o.debug === true,
      acceptLicense: o.acceptLicense === true || process.env.HEIRLOOM_ACCEPT_LICENSE === '1',
      credentials: { enabled: o.credentials !== false, dir: credentialsDirFor(modelsDir) }
    }
  }

  const progress = (opts: ProgressOptions = {}): ProgressReporter => {
    const inner = createProgress(opts)
    const reporter: ProgressReporter = {
      ...inner,
      start(total, label) {
        running.add(reporter)
        inner.start(total, label)
      },
      stop() {
        inner.stop()
        running.delete(reporter)
      }
    }
    return reporter
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
          acceptLicences: g.acceptLicense,
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
      for (const bar of [...running]) bar.stop()
      await engine?.dispose()
      engine = undefined
    }
  }
}
