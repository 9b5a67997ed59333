import { readdir, stat } from 'node:fs/promises'
import { basename, extname, join, relative, sep } from 'node:path'

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

/** Image files under `dir` (sorted, optionally recursive), skipping hidden entries and `exclude` (the output folder). */
export async function listImages(dir: string, opts: { recursive: boolean; exclude?: string }): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true })
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      const p = join(d, e.name)
      if (opts.exclude && (p === opts.exclude || p.startsWith(opts.exclude + sep))) continue
      if (e.isDirectory()) {
        if (opts.recursive) await walk(p)
      } else if (e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(p)
    }
  }
  await walk(dir)
  return out
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
