import { runCli } from './cli/program'

// Entry of the `heirloom` bin (out/main/cli.js): plain Node, never loads electron.
void runCli(process.argv).then((code) => {
  process.exitCode = code
})
