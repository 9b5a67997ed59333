// Preloaded with `node --import` into a child process: writes its peak RSS (bytes) to HEIRLOOM_RSS_OUT at exit,
// so tests can measure the real CLI without wrapping it.
import { writeFileSync } from 'node:fs'

const out = process.env.HEIRLOOM_RSS_OUT
if (out) {
  process.on('exit', () => {
    // resourceUsage().maxRSS is in kilobytes on every platform Node supports.
    writeFileSync(out, String(process.resourceUsage().maxRSS * 1024))
  })
}
