import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { CHECK_LABELS, checkOf } from '../../src/main/core/models/checks'
import { loadManifest } from '../../src/main/core/models/manifest'

it("the README's table names, per model, the check the code applies", () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8')
  for (const m of loadManifest().models) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${m.id}\` `))
    expect(row?.split('|')[2]?.trim(), m.id).toBe(CHECK_LABELS[checkOf(m)])
  }
  expect(readme).not.toMatch(/pinned checksums still apply/)
})
