#!/usr/bin/env node
// Electronegativity over the source: fails on any finding of MEDIUM severity or higher; every LOW/INFO finding
// must be justified below (or disabled inline with an `eng-disable` comment that says why).
import { createRequire } from 'node:module'
import { mkdirSync } from 'node:fs'
import { join, relative } from 'node:path'

const require = createRequire(import.meta.url)
const run = require('@doyensec/electronegativity')
const root = join(import.meta.dirname, '..')
const electronVersion = require('electron/package.json').version

/** Low findings we accept, with the reason (check id -> why). */
const JUSTIFIED = {
  AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK: 'electron is pinned in package.json and upgraded with the lockfile.',
  ELECTRON_VERSION_JSON_PARSE_GLOBAL_CHECK: 'version parsed from package.json by the scanner itself.',
  LIMIT_NAVIGATION_GLOBAL_CHECK:
    'navigation is blocked for every web contents in app.on("web-contents-created") (will-navigate + setWindowOpenHandler).',
  PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK: 'setPermissionRequestHandler denies every request (src/main/index.ts).',
  CSP_GLOBAL_CHECK: 'the CSP is a meta tag in src/renderer/index.html (default-src none; script-src self).',
  SECURITY_WARNINGS_DISABLED_JS_CHECK:
    'never disabled; reported by the scanner for the env lookup in window-options.ts.',
  PRELOAD_JS_CHECK: 'the preload exposes named functions only (contextBridge), no ipcRenderer and no Node APIs.'
}

mkdirSync(join(root, 'test-results'), { recursive: true })
const result = await run({
  input: join(root, 'src'),
  output: join(root, 'test-results', 'electronegativity.csv'),
  isSarif: false,
  customScan: [],
  excludeFromScan: [],
  severitySet: 'informational',
  confidenceSet: 'tentative',
  isRelative: true,
  electronVersionOverride: electronVersion
})

const visible = result.issues.filter(
  (i) => !i.visibility || (!i.visibility.inlineDisabled && !i.visibility.globalCheckDisabled)
)
let failures = 0
for (const i of visible) {
  const severity = i.severity.name ?? String(i.severity.value)
  const where = `${relative(root, join(root, 'src', i.file))}:${i.location.line}`
  const serious = i.severity.value >= 2 // 0 informational, 1 low, 2 medium, 3 high
  const why = JUSTIFIED[i.id]
  if (serious || !why) {
    failures++
    console.log(`FAIL ${i.id} [${severity}/${i.confidence.name}] ${where}${why ? '' : ' (no justification)'}`)
  } else {
    console.log(`ok   ${i.id} [${severity}] ${where} — ${why}`)
  }
}
for (const e of result.errors.filter((e) => !e.tolerable)) console.log(`parse error in ${e.file}: ${e.message}`)
console.log(`electronegativity: ${visible.length} findings, ${failures} not acceptable`)
process.exit(failures > 0 ? 1 : 0)
