import type { Command } from 'commander'
import { APP_VERSION } from '../../../shared/version'
import { toAppError } from '../../core/errors'
import { runtimeInfo } from '../../core/runtime/ort-adapter'
import { probeProvider } from '../../core/runtime/probe'
import type { CliContext } from '../context'

export function registerInfoCommand(program: Command, ctx: CliContext): void {
  program
    .command('info')
    .description('show the runtime version, execution providers (with a live probe) and the models folder')
    .action(async () => {
      const g = ctx.globals()
      let probe: { provider?: string; error?: string }
      try {
        probe = { provider: await probeProvider(g.provider) }
      } catch (err) {
        probe = { error: toAppError(err).message }
      }
      const rt = runtimeInfo()
      const models = ctx.engine().store.list()
      const installed = models.filter((m) => m.state === 'installed' || m.state === 'unverified').map((m) => m.id)
      const info = {
        version: APP_VERSION,
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
        onnxruntime: rt.ortVersion,
        providerPreference: g.provider,
        providersTried: rt.supported,
        providerInUse: probe.provider ?? null,
        ...(probe.error ? { providerError: probe.error } : {}),
        providersSkipped: rt.skipped,
        modelsDir: ctx.engine().store.dir,
        modelsInstalled: installed
      }
      if (g.json) {
        ctx.out(JSON.stringify(info, null, 2))
        return
      }
      const lines = [
        `Heirloom ${info.version} (Node ${info.node}, ${info.platform})`,
        `ONNX Runtime: ${info.onnxruntime}`,
        `Providers (${g.provider}): ${rt.supported.join(' > ')}`,
        `In use: ${probe.provider ?? `none (${probe.error})`}`
      ]
      for (const [p, why] of Object.entries(rt.skipped)) lines.push(`  skipped ${p}: ${why}`)
      lines.push(`Models folder: ${info.modelsDir}`)
      lines.push(`Installed models: ${installed.length ? installed.join(', ') : 'none (see `heirloom models list`)'}`)
      ctx.out(lines.join('\n'))
    })
}
