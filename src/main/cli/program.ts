import { Command, CommanderError, Option } from 'commander'
import { type AppError, EXIT_CODES } from '../../shared/errors'
import { toAppError } from '../core/errors'
import { APP_VERSION } from '../../shared/version'
import { COMMANDS } from './commands'
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
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
  const ctx = createCliContext(program)
  for (const register of COMMANDS) register(program, ctx)
  return { program, dispose: () => ctx.dispose() }
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export async function runCli(argv: readonly string[]): Promise<number> {
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
    const hint = cliHint(appError)
    process.stderr.write(`heirloom: error: ${cliMessage(appError)}${hint}\n`)
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`)
    return EXIT_CODES[appError.code]
  } finally {
    await dispose().catch(() => undefined)
  }
}

/** How to get a missing model from the command line. */
export function cliHint(e: AppError): string {
  if (!e.modelId) return ''
  if (e.code === 'MODEL_MISSING') {
    return ` Download it with \`heirloom models fetch ${e.modelId}\`, or import a copy with \`heirloom models import ${e.modelId} <file>\`.`
  }
  if (e.code === 'DOWNLOAD_FAILED') {
    return ` Offline? Copy the file to this machine and run \`heirloom models import ${e.modelId} <file>\`, or set HEIRLOOM_MODEL_MIRROR.`
  }
  return ''
}
