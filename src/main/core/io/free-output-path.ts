import { stat } from 'node:fs/promises'
import { basename, extname, join, relative } from 'node:path'

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
 * name is taken, so a batch never overwrites anything. Only crop's file job (one file per face) uses it; batches
 * name their outputs by the batch engine's mirrored plan.
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
