import { HeirloomError } from '../core/errors'

/**
 * Exit code of a folder job (`batch`, `age <folder>`) that ran to the end but where some photos failed: every other
 * output is complete, and the report lists each failure with its own code. Distinct from the codes of a job that
 * could not run at all, so a script can tell "re-run the failures" from "fix the setup".
 */
export const SOME_FAILED_EXIT = 12

/** An error that ends the CLI with its own exit code instead of its error code's. */
export class CliExitError extends HeirloomError {
  constructor(
    readonly exitCode: number,
    message: string
  ) {
    super('INTERNAL', message)
  }
}
