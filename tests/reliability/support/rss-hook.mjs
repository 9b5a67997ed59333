// Preloaded with `node --import` into a child process: writes its peak RSS (bytes) and CPU time (ms, all threads)
// to HEIRLOOM_RSS_OUT at exit, so tests can measure the real CLI without wrapping it.
import { writeFileSync } from 'node:fs'

const out = process.env.HEIRLOOM_RSS_OUT
if (out) {
  process.on('exit', () => {
    // resourceUsage().maxRSS is in kilobytes on every platform Node supports.
    const u = process.resourceUsage()
    writeFileSync(out, `${u.maxRSS * 1024} ${(u.userCPUTime + u.systemCPUTime) / 1000}`)
  })
}
