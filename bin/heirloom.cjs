#!/usr/bin/env node
'use strict'
// The `heirloom` bin: runs the CLI built by `npm run build` (out/main/cli.js) on plain Node.
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const entry = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(entry)) {
  process.stderr.write('heirloom: error: the CLI is not built yet; run `npm run build` first\n')
  process.exit(1)
}
require(entry)
