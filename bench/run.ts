// `npm run bench`: runs every bench/*.bench.ts in turn; each prints its figures and ratios against references.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

interface BenchModule {
  bench?: () => Promise<void>
}

async function main(): Promise<void> {
  const only = process.argv[2]
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts') && (!only || f.startsWith(only)))
    .sort()
  for (const f of files) {
    console.log(`\n=== ${f} ===`)
    // tsx loads the .ts files as CommonJS (no "type": "module"), so exports may sit under `default`.
    const mod = (await import(pathToFileURL(join(__dirname, f)).href)) as BenchModule & { default?: BenchModule }
    const bench = mod.bench ?? mod.default?.bench
    if (typeof bench !== 'function') throw new Error(`${f} does not export bench()`)
    await bench()
  }
}

void main()
