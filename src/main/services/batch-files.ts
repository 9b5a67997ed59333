import { stat } from 'node:fs/promises'
import { basename, extname, join, relative } from 'node:path'
import { canonicalPath } from '../core/io/output-guard'
import { listPhotoFiles } from '../core/io/walk-photos'

export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.tif',
  '.tiff',
  '.webp',
  '.gif',
  '.avif',
  '.heic',
  '.heif',
  '.bmp'
])

/**
 * Image files under `dir` (sorted, optionally recursive), skipping hidden entries and `exclude` (the output folder,
 * compared by real path); symlinks are followed only while they stay inside `dir`.
 */
export async function listImages(dir: string, opts: { recursive: boolean; exclude?: string }): Promise<string[]> {
  const exclude = opts.exclude ? [await canonicalPath(opts.exclude)] : []
  const { files } = await listPhotoFiles(dir, {
    recursive: opts.recursive,
    extensions: IMAGE_EXTENSIONS,
    exclude,
    skipHiddenFiles: true
  })
  return files.map((f) => join(dir, f))
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p)
    return true
  } catch {
    return false
  }
}

/**
 * Output path for one input: same relative folder under `outDir`, `<stem><suffix><ext>`, and a counter when the
 * name is taken, so a batch never overwrites anything.
 */
export async function freeOutputPath(
  inDir: string,
  outDir: string,
  input: string,
  suffix: string,
  ext: string
): Promise<string> {
  const rel = relative(inDir, input)
  const folder = join(outDir, rel.slice(0, rel.length - basename(rel).length))
  const stem = basename(input, extname(input))
  let candidate = join(folder, `${stem}${suffix}${ext}`)
  for (let n = 2; await exists(candidate); n++) candidate = join(folder, `${stem}${suffix}-${n}${ext}`)
  return candidate
}

/** Remaining time from the mean time per finished file. */
export function etaMs(elapsedMs: number, done: number, total: number): number | undefined {
  if (done === 0) return undefined
  return Math.round((elapsedMs / done) * (total - done))
}
