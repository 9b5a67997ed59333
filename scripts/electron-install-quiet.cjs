// Preloaded into Electron's installer by scripts/start.mjs: its failure path prints `err.stack`. Keep the first
// line of each error report in a file for start.mjs to word, and print nothing raw (progress output is untouched).
const { appendFileSync } = require('node:fs')

const file = process.env.HEIRLOOM_INSTALL_ERROR_FILE
console.error = (...args) => {
  const text = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')
  const first = text.split('\n').find((line) => line.trim() !== '') ?? ''
  if (file && first) appendFileSync(file, `${first.trim()}\n`)
}
