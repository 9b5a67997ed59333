import { Command, CommanderError, Option } from 'commander'
import { type AppError, EXIT_CODES } from '../../shared/errors'
import { toAppError } from '../core/errors'
import { APP_VERSION } from '../../shared/version'
import { createInterface } from 'node:readline/promises'
import { acceptLicence } from '../core/models/licences'
import { loadManifest } from '../core/models/manifest'
import { defaultModelsDir } from '../core/models/paths'
import { COMMANDS } from './commands'
import { licenceNotice } from './commands/models'
import { cliMessage } from './error-words'
import { createCliContext, PROVIDERS } from './context'

/** Builds the `heirloom` program. Global flags live on the root and commander accepts them after the subcommand too. */
export function buildProgram(): { program: Command; dispose: () => Promise<void> } {
  const program = new Command('heirloom')
    .description('Restore and age-edit faces in old photos, offline.')
    .version(APP_VERSION, '-V, --version', 'print the version')
    .option('--models-dir <dir>', 'where models are stored (env HEIRLOOM_MODELS_DIR; default: per-user data dir)')
    .addOption(new Option('--provider <name>', 'execution provider').choices([...PROVIDERS]).default('auto'))
    .option('--json', 'machine-readable output on stdout')
    .option('--debug', 'print stack traces on errors')
    .option(
      '--accept-license',
      'download non-commercial models when needed without asking (env HEIRLOOM_ACCEPT_LICENSE=1)'
    )
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
  const ctx = createCliContext(program)
  for (const register of COMMANDS) register(program, ctx)
  return { program, dispose: () => ctx.dispose() }
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export async function runCli(argv: readonly string[], io: LicencePrompt = terminalPrompt): Promise<number> {
  for (;;) {
    const outcome = await runOnce(argv)
    if (typeof outcome === 'number') return outcome
    // Needs licences accepted: ask in a terminal (once per model, remembered in the models folder), then run again.
    if (!io.interactive() || !(await askLicences(outcome, io))) {
      process.stderr.write(`heirloom: error: ${outcome.error.message}${cliHint(outcome.error)}\n`)
      return EXIT_CODES[outcome.error.code]
    }
  }
}

/** How the CLI asks a yes/no question (a terminal by default; tests pass their own). */
export interface LicencePrompt {
  interactive(): boolean
  ask(question: string): Promise<string>
}

const terminalPrompt: LicencePrompt = {
  interactive: () => process.stdin.isTTY === true && process.stderr.isTTY === true,
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stderr })
    try {
      return await rl.question(question)
    } finally {
      rl.close()
    }
  }
}

interface LicenceStop {
  error: AppError
  modelsDir: string
}

async function askLicences(stop: LicenceStop, io: LicencePrompt): Promise<boolean> {
  const manifest = loadManifest()
  for (const id of stop.error.modelIds ?? []) {
    const entry = manifest.models.find((m) => m.id === id)
    if (!entry) return false
    const answer = await io.ask(`${licenceNotice(entry) ?? entry.name}\nDownload ${entry.name} (${id})? [y/N] `)
    if (!/^y(es)?$/i.test(answer.trim())) return false
    await acceptLicence(stop.modelsDir, id)
  }
  return true
}

async function runOnce(argv: readonly string[]): Promise<number | LicenceStop> {
  const { program, dispose } = buildProgram()
  const debug = argv.includes('--debug')
  try {
    await program.parseAsync([...argv], { from: 'node' })
    return 0
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      if (err.exitCode === 0) return 0
      process.stderr.write(`heirloom: error: ${err.message.replace(/^error: /, '')} (see heirloom --help)\n`)
      return EXIT_CODES.INVALID_REQUEST
    }
    const appError = toAppError(err)
    if (appError.licence && appError.modelIds?.length) {
      const o = program.opts<{ modelsDir?: string }>()
      return { error: appError, modelsDir: o.modelsDir ?? process.env.HEIRLOOM_MODELS_DIR ?? defaultModelsDir() }
    }
    const hint = cliHint(appError)
    process.stderr.write(`heirloom: error: ${cliMessage(appError)}${hint}\n`)
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`)
    return EXIT_CODES[appError.code]
  } finally {
    await dispose().catch(() => undefined)
  }
}

/** How to get a missing model from the command line (the one place these words live). */
export function cliHint(e: AppError): string {
  if (!e.modelId) return ''
  const ids = e.modelIds?.length ? e.modelIds : [e.modelId]
  if (e.code === 'MODEL_MISSING' && e.licence) {
    return ` Run again in a terminal to be asked, or with --accept-license (or HEIRLOOM_ACCEPT_LICENSE=1); or \`heirloom models fetch ${ids.join(' ')}\`.`
  }
  if (e.code === 'MODEL_MISSING') {
    return ids.length > 1
      ? ` Download them with \`heirloom models fetch ${ids.join(' ')}\`, or import copies with \`heirloom models import <id> <file>\`.`
      : ` Download it with \`heirloom models fetch ${e.modelId}\`, or import a copy with \`heirloom models import ${e.modelId} <file>\`.`
  }
  if (e.code === 'DOWNLOAD_FAILED') {
    return ` Offline? Copy the file to this machine and run \`heirloom models import ${e.modelId} <file>\`, or set HEIRLOOM_MODEL_MIRROR.`
  }
  return ''
}
