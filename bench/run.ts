// `npm run bench`: runs every bench/*.bench.ts in turn; each prints its figures and ratios against references.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

async function main(): Promise<void> {
  const only = process.argv[2]
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts') && (!only || f.startsWith(only)))
    .sort()
  for (const f of files) {
    console.log(`\n=== ${f} ===`)
    const mod = (await import(pathToFileURL(join(__dirname, f)).href)) as { bench?: () => Promise<void> }
    if (typeof mod.bench !== 'function') throw new Error(`${f} does not export bench()`)
    await mod.bench()
  }
}

void main()
