import { runCli } from './cli/program'

// `heirloom ... | head` closes the pipe early: stop quietly, as other Unix tools do, instead of a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
}

// Entry of the `heirloom` bin (out/main/cli.js): plain Node, never loads electron.
void runCli(process.argv).then((code) => {
  process.exitCode = code
  // The command is over: whatever handle is still open (a socket to a stalled mirror, a stray timer) must not keep
  // the process alive. The timer is unref'd, so a clean exit does not wait for it.
  setTimeout(() => process.exit(code), 1000).unref()
})
