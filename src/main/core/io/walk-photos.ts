import { readdir, realpath, stat } from 'node:fs/promises'
import { extname, join, relative, sep } from 'node:path'
import { isInside } from './output-guard'

export interface SkippedEntry {
  /** Path relative to the input folder ('/' separators). */
  file: string
  reason: string
}

export interface PhotoListing {
  /** Photo files relative to the folder ('/' separators), sorted. */
  files: string[]
  /** Every entry not taken, with why. */
  skipped: SkippedEntry[]
}

export interface WalkOptions {
  recursive: boolean
  /** Lower-case extensions with the dot. */
  extensions: ReadonlySet<string>
  /** Real paths of folders never entered (the output folder). */
  exclude?: readonly string[]
  /** Skip every entry whose name starts with '.' (default: only hidden folders). */
  skipHiddenFiles?: boolean
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Photos under `dir`. Containment is decided on real paths: a symlink (to a file or a folder) is followed when its
 * target stays inside the folder and skipped, with the reason, when it leaves it; a folder reached twice (a link
 * loop) is walked once.
 */
export async function listPhotoFiles(dir: string, opts: WalkOptions): Promise<PhotoListing> {
  const root = await realpath(dir)
  const files: string[] = []
  const skipped: SkippedEntry[] = []
  const seen = new Set<string>([root])
  const excluded = (real: string): boolean => (opts.exclude ?? []).some((x) => isInside(real, x))
  const rel = (p: string): string => relative(dir, p).split(sep).join('/')
  const walk = async (d: string): Promise<void> => {
    const names = (await readdir(d)).sort(byName)
    for (const name of names) {
      const p = join(d, name)
      let real: string
      try {
        real = await realpath(p)
      } catch {
        skipped.push({ file: rel(p), reason: 'a broken symbolic link' })
        continue
      }
      if (!isInside(real, root)) {
        skipped.push({ file: rel(p), reason: 'a symbolic link to a place outside the input folder' })
        continue
      }
      const st = await stat(real).catch(() => undefined)
      if (!st) {
        skipped.push({ file: rel(p), reason: 'could not be read' })
      } else if (st.isDirectory()) {
        if (name.startsWith('.')) skipped.push({ file: `${rel(p)}/`, reason: 'a hidden folder' })
        else if (excluded(real)) skipped.push({ file: `${rel(p)}/`, reason: 'the output folder' })
        else if (!opts.recursive) skipped.push({ file: `${rel(p)}/`, reason: 'a sub-folder (not recursive)' })
        else if (seen.has(real)) skipped.push({ file: `${rel(p)}/`, reason: 'a folder already listed (link loop)' })
        else {
          seen.add(real)
          await walk(p)
        }
      } else if (!st.isFile()) {
        skipped.push({ file: rel(p), reason: 'not a regular file' })
      } else if (opts.skipHiddenFiles && name.startsWith('.')) {
        skipped.push({ file: rel(p), reason: 'a hidden file' })
      } else if (!opts.extensions.has(extname(name).toLowerCase())) {
        skipped.push({ file: rel(p), reason: 'not a photo file type' })
      } else {
        files.push(rel(p))
      }
    }
  }
  await walk(dir)
  return { files, skipped }
}
