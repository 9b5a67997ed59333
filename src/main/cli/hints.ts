import type { AppError } from '../../shared/errors'
import { cliMessage } from './error-words'

/**
 * The one command-line action appended to an error line. The core's message says what went wrong (a diagnosis such
 * as "host not found (offline?)"); the hint says what to type next, once, so the two never repeat each other.
 */
export function cliHint(e: AppError): string {
  if (e.code === 'OUTPUT_EXISTS') return outputExistsHint(e)
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
    return ` To install it without downloading, copy the file to this machine and run \`heirloom models import ${e.modelId} <file>\`, or set HEIRLOOM_MODEL_MIRROR to a server that has it.`
  }
  return ''
}

/** "already exists" always names the flag that allows replacing it (unless the message already does). */
export function outputExistsHint(e: { code?: string; message?: string }): string {
  if (e.code !== 'OUTPUT_EXISTS' || e.message?.includes('--overwrite')) return ''
  return ' Use --overwrite to replace it.'
}

/** The error line: the CLI's words for the error, a full stop where it has none, then the hint. */
export function errorLine(e: AppError): string {
  const words = cliMessage(e)
  const hint = cliHint({ ...e, message: words })
  const message = hint && !/[.!?]$/.test(words) ? `${words}.` : words
  return `heirloom: error: ${message}${hint}`
}
