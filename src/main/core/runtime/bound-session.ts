import type { ContractFit } from './contract'
import type { IoInfo, ModelSession, RunOptions, TensorData } from './types'

function isIdentity(m: ReadonlyMap<string, string>): boolean {
  return [...m].every(([a, b]) => a === b)
}

/**
 * The session seen through a contract binding: stages feed and fetch tensors by the contract's names (`input`,
 * `output`, `landmarks`) whatever the export calls them (`x`, `input.1`, `1895`). Unbound tensors keep their names.
 * Returns the session itself when every bound name already matches.
 */
export function bindSession(session: ModelSession, binding: ContractFit['binding']): ModelSession {
  if (isIdentity(binding.inputs) && isIdentity(binding.outputs)) return session
  return new BoundSession(session, binding)
}

class BoundSession implements ModelSession {
  readonly inputs: readonly IoInfo[]
  readonly outputs: readonly IoInfo[]
  readonly inputNames: readonly string[]
  readonly outputNames: readonly string[]
  private readonly inToGraph: Map<string, string>
  private readonly outToGraph: Map<string, string>
  private readonly outFromGraph: Map<string, string>

  constructor(
    private readonly inner: ModelSession,
    binding: ContractFit['binding']
  ) {
    this.inToGraph = new Map(binding.inputs)
    this.outToGraph = new Map(binding.outputs)
    const inFromGraph = new Map([...binding.inputs].map(([c, g]) => [g, c]))
    this.outFromGraph = new Map([...binding.outputs].map(([c, g]) => [g, c]))
    this.inputs = inner.inputs.map((i) => ({ ...i, name: inFromGraph.get(i.name) ?? i.name }))
    this.outputs = inner.outputs.map((o) => ({ ...o, name: this.outFromGraph.get(o.name) ?? o.name }))
    this.inputNames = this.inputs.map((i) => i.name)
    this.outputNames = this.outputs.map((o) => o.name)
  }

  get provider(): ModelSession['provider'] {
    return this.inner.provider
  }
  get loaded(): boolean | undefined {
    return this.inner.loaded
  }
  get onReload(): (() => void) | undefined {
    return this.inner.onReload
  }
  set onReload(fn: (() => void) | undefined) {
    this.inner.onReload = fn
  }

  async run(
    feeds: Readonly<Record<string, TensorData>>,
    options: RunOptions = {}
  ): Promise<Record<string, TensorData>> {
    const graphFeeds: Record<string, TensorData> = {}
    for (const [name, t] of Object.entries(feeds)) graphFeeds[this.inToGraph.get(name) ?? name] = t
    const opts: RunOptions = options.outputs
      ? { ...options, outputs: options.outputs.map((n) => this.outToGraph.get(n) ?? n) }
      : options
    const result = await this.inner.run(graphFeeds, opts)
    const out: Record<string, TensorData> = {}
    for (const [name, t] of Object.entries(result)) out[this.outFromGraph.get(name) ?? name] = t
    return out
  }

  dispose(): Promise<void> {
    return this.inner.dispose()
  }

  unload(): Promise<void> {
    return this.inner.unload ? this.inner.unload() : Promise.resolve()
  }
}
