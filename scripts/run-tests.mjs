#!/usr/bin/env node
// Runs every test layer (vitest: unit + integration + CLI; Playwright: renderer e2e in Chromium and the
// real-Electron e2e) and prints one plain summary line "N passed, N failed, N skipped" for CI.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const results = join(root, 'test-results')
mkdirSync(results, { recursive: true })
const bin = (name) => join(root, 'node_modules', '.bin', name)

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env })
  return r.status ?? 1
}

const totals = { passed: 0, failed: 0, skipped: 0 }

// 1. vitest
const vitestJson = join(results, 'vitest.json')
rmSync(vitestJson, { force: true })
const vitestCode = run(bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`
])
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'))
  totals.passed += r.numPassedTests ?? 0
  totals.failed += (r.numFailedTests ?? 0) + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0)
  totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
} else if (vitestCode !== 0) {
  totals.failed += 1
}

// 2. Playwright (renderer in Chromium; real Electron where a binary exists)
const pwJson = join(results, 'playwright.json')
rmSync(pwJson, { force: true })
const pwCode = run(bin('playwright'), ['test'])
if (existsSync(pwJson)) {
  const r = JSON.parse(readFileSync(pwJson, 'utf8'))
  const s = r.stats ?? {}
  totals.passed += (s.expected ?? 0) + (s.flaky ?? 0)
  totals.failed += s.unexpected ?? 0
  totals.skipped += s.skipped ?? 0
  if (pwCode !== 0 && !s.unexpected) totals.failed += 1
} else if (pwCode !== 0) {
  totals.failed += 1
}

console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(vitestCode !== 0 || pwCode !== 0 || totals.failed > 0 ? 1 : 0)
