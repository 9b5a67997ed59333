import { embedCredentials, type CredentialsOutcome } from '../credentials/embed'
import { checkWrite, type WriteGuard } from '../io/output-guard'
import { writeFileAtomic } from '../io/write-atomic'
import { encodePhoto, formatFromPath, type EncodeOptions, type OutputFormat } from './encode'
import type { RgbImage } from './types'

export type SaveOptions = Omit<EncodeOptions, 'format'> &
  WriteGuard & {
    format?: OutputFormat
  }

export interface SaveResult {
  /** Whether Content Credentials were embedded, and if not why (see credentials/embed.ts). */
  credentials: CredentialsOutcome
}

/**
 * Encodes, adds Content Credentials (when configured and the format carries them) and writes atomically; refuses to
 * write over a protected path (the original photo) even with overwrite.
 */
export async function savePhoto(path: string, img: RgbImage, opts: SaveOptions): Promise<SaveResult> {
  const format = opts.format ?? formatFromPath(path)
  const { overwrite, protectedPaths, inputRoots, replaceable, format: _format, ...encodeOpts } = opts
  const guard: WriteGuard = { overwrite, protectedPaths, inputRoots, replaceable }
  // Checked before encoding so no time is spent on a file that may not be written (and again when writing).
  await checkWrite(path, guard)
  const encoded = await encodePhoto(img, { ...encodeOpts, format })
  const { data, outcome } = await embedCredentials(encoded, {
    format,
    output: path,
    provenance: encodeOpts.provenance,
    originalPath: protectedPaths?.[0]
  })
  await writeFileAtomic(path, data, guard)
  return { credentials: outcome }
}
