import { Command, CommanderError, Option } from 'commander'
import { createInterface } from 'node:readline/promises'
import { type AppError, EXIT_CODES } from '../../shared/errors'
import { HeirloomError, toAppError } from '../core/errors'
import { acceptLicence } from '../core/models/licences'
import { loadManifest } from '../core/models/manifest'
import { defaultModelsDir } from '../core/models/paths'
import { APP_VERSION } from '../../shared/version'
import { COMMANDS } from './commands'
import { licenceNotice } from './commands/models'
import { createCliContext, PROVIDERS } from './context'
import { addExamples } from './examples'
import { CliExitError } from './exit'
import { errorLine } from './hints'

export { cliHint } from './hints'

/** Builds the `heirloom` program. Global flags live on the root and commander accepts them after the subcommand too. */
export function buildProgram(): { program: Command; dispose: () => Promise<void> } {
  const program = new Command('heirloom')
    .description('Restore and age-edit faces in old photos, offline.')
    .version(APP_VERSION, '-V, --version', 'print the version')
    .option('--models-dir <dir>', 'where models are stored (env HEIRLOOM_MODELS_DIR; default: per-user data dir)')
    .addOption(new Option('--provider <name>', 'execution provider').choices([...PROVIDERS]).default('auto'))
    .option('--json', 'machine-readable output on stdout (progress, if any, stays on stderr)')
    .option('--debug', "print stack traces and onnxruntime's own log on errors")
    .option(
      '--accept-license',
      'download non-commercial models when needed without asking (env HEIRLOOM_ACCEPT_LICENSE=1)'
    )
    .option('--no-credentials', 'write photos without Content Credentials (C2PA); the XMP provenance note stays')
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
  const ctx = createCliContext(program)
  for (const register of COMMANDS) register(program, ctx)
  // An empty value ('' from a script's unset variable) is never a choice: commander would pass it on, and the
  // commands would read it as 0, "all", or the current folder.
  program.hook('preAction', (root, action) => {
    for (const cmd of new Set([root, action])) {
      for (const o of cmd.options) {
        const v: unknown = cmd.getOptionValue(o.attributeName())
        if (typeof v === 'string' && v.trim() === '') {
          throw new HeirloomError('INVALID_REQUEST', `${o.long ?? o.flags} needs a value; it was given an empty one.`)
        }
      }
    }
  })
  addExamples(program)
  program.addHelpText(
    'after',
    '\nExit codes: 0 done, 2 bad arguments, 3 file not found, 4 unreadable image, 5 output not written or exists,\n' +
      '6 no face, 7 model missing or wrong, 8 model failed, 9 download failed, 10 busy, 11 Redis unreachable,\n' +
      "12 some photos of a folder failed, 130 cancelled (details: README). Each command's --help shows examples."
  )
  return { program, dispose: () => ctx.dispose() }
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export async function runCli(argv: readonly string[], io: LicencePrompt = terminalPrompt): Promise<number> {
  for (;;) {
    const outcome = await runOnce(argv)
    if (typeof outcome === 'number') return outcome
    // Needs licences accepted: ask in a terminal (once per model, remembered in the models folder), then run again.
    if (!io.interactive() || !(await askLicences(outcome, io))) {
      process.stderr.write(`${errorLine(outcome.error)}\n`)
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
  const debug = argv.includes('--debug')
  // Read by the runtime adapter here and in the pipeline worker (which copies the environment when it starts).
  const debugEnv = process.env.HEIRLOOM_DEBUG
  if (debug) process.env.HEIRLOOM_DEBUG = '1'
  const { program, dispose } = buildProgram()
  try {
    await program.parseAsync([...argv], { from: 'node' })
    return 0
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      if (err.exitCode === 0) return 0
      // One line, one hint: commander's own suggestion ("Did you mean --faces?") when it has one, else --help.
      const message = err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')
      const hint = /Did you mean/.test(message) ? '' : ' (see heirloom --help)'
      process.stderr.write(`heirloom: error: ${message}${hint}\n`)
      return EXIT_CODES.INVALID_REQUEST
    }
    if (err instanceof CliExitError) {
      process.stderr.write(`heirloom: error: ${err.message}\n`)
      return err.exitCode
    }
    const appError = toAppError(err)
    if (appError.licence && appError.modelIds?.length) {
      const o = program.opts<{ modelsDir?: string }>()
      return { error: appError, modelsDir: o.modelsDir ?? process.env.HEIRLOOM_MODELS_DIR ?? defaultModelsDir() }
    }
    process.stderr.write(`${errorLine(appError)}\n`)
    if (debug && err instanceof Error) {
      if (err.stack) process.stderr.write(`${err.stack}\n`)
      // The raw text behind our one-line message (onnxruntime's, the network's...).
      for (let c: unknown = err.cause; c !== undefined; c = c instanceof Error ? c.cause : undefined) {
        process.stderr.write(`caused by: ${c instanceof Error ? c.message : JSON.stringify(c)}\n`)
      }
    }
    return EXIT_CODES[appError.code]
  } finally {
    await dispose().catch(() => undefined)
    if (debug) {
      if (debugEnv === undefined) delete process.env.HEIRLOOM_DEBUG
      else process.env.HEIRLOOM_DEBUG = debugEnv
    }
  }
}
