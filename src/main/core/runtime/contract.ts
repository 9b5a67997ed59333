import type { ModelContract, TensorSpec } from '../../../shared/model-manifest'
import { HeirloomError } from '../errors'
import type { IoInfo, ModelSession, TensorData } from './types'

/** Contract input name -> the session's input name (absent optional inputs are left out). */
export type InputBinding = ReadonlyMap<string, string>

/** The graph's tensors, as far as a contract check needs them (a ModelSession, or an inspected file). */
export interface GraphIo {
  readonly inputs: readonly IoInfo[]
  readonly outputs: readonly IoInfo[]
}

/** How one contract tensor was matched to the graph, and whether it fits. */
export interface TensorFit {
  /** Name in the contract (what stages ask for). */
  name: string
  role: 'input' | 'output'
  optional: boolean
  /** The contract's spec, e.g. `float32 [1,3,512,512]`. */
  expected: string
  /** The graph tensor bound to it, when one was. */
  found?: IoInfo
  /** Bound by equal name, or by position among the tensors no name matched. */
  by?: 'name' | 'position'
  ok: boolean
  /** Why it does not fit (absent when ok). */
  why?: string
}

export interface ContractFit {
  ok: boolean
  inputs: TensorFit[]
  outputs: TensorFit[]
  /** Graph tensors the contract does not use (extra outputs are fine; extra required inputs are not). */
  unusedInputs: IoInfo[]
  unusedOutputs: IoInfo[]
  /** Contract name -> graph name, for the tensors that were bound. */
  binding: { inputs: Map<string, string>; outputs: Map<string, string> }
  /** The first problem as one sentence naming the model, the tensor, what was expected and found. */
  problem?: string
}

export function fmtDims(dims: readonly (number | string)[]): string {
  return `[${dims.join(',')}]`
}
export const fmtSpec = (s: TensorSpec): string => `${s.dtype} ${s.dims.length === 0 ? '(any shape)' : fmtDims(s.dims)}`
export const fmtInfo = (i: IoInfo): string =>
  `${i.type} ${i.dims.length === 0 ? '(shape not declared)' : fmtDims(i.dims)}`

function fixed(d: number | string | undefined): d is number {
  return typeof d === 'number' && d >= 0
}

/**
 * Why a graph tensor does not fit a spec, or undefined when it fits. What exports legitimately vary on fits:
 * dynamic dims on either side (a symbolic batch axis or image size), undeclared shapes (checked at run time), and
 * an empty contract `dims` (not pinned). A symbol repeated in the contract (`S` in [1,3,"S","S"]) must take one
 * value across the contract, so a square output stays square whatever its size; `symbols` collects them.
 */
function mismatch(
  spec: TensorSpec,
  info: IoInfo,
  checkType: boolean,
  symbols: Map<string, number>
): string | undefined {
  const shapeKnown = info.dims.length > 0 && spec.dims.length > 0
  if (shapeKnown && info.dims.length !== spec.dims.length) {
    return `rank ${info.dims.length}, expected ${spec.dims.length}`
  }
  if (shapeKnown) {
    for (let k = 0; k < spec.dims.length; k++) {
      const want = spec.dims[k]
      const got = info.dims[k]
      if (fixed(want) && fixed(got) && want !== got) return `dimension ${k} is ${got}, expected ${want}`
      if (typeof want === 'string' && fixed(got)) {
        const seen = symbols.get(want)
        if (seen !== undefined && seen !== got) return `dimension ${k} is ${got}, expected ${want} = ${seen}`
        symbols.set(want, got)
      }
    }
  }
  const accepted = info.type === spec.dtype || (spec.altDtypes ?? []).some((t) => t === info.type)
  if (checkType && info.type !== 'unknown' && !accepted) return `type is ${info.type}, expected ${spec.dtype}`
  return undefined
}

function rankFits(spec: TensorSpec, info: IoInfo): boolean {
  return info.dims.length === 0 || spec.dims.length === 0 || info.dims.length === spec.dims.length
}

/**
 * Pairs specs with graph tensors: by name first, then in order among the leftovers (exports rename `input` to `x`
 * or `input.1`, and torch exports give outputs numeric names). Optional specs may go unbound; for inputs, every
 * graph input must be fed, so leftover graph inputs are a mismatch.
 */
function bindByNameThenPosition(
  specs: readonly TensorSpec[],
  tensors: readonly IoInfo[],
  role: 'input' | 'output'
): { pairs: Map<string, { info: IoInfo; by: 'name' | 'position' }>; unused: IoInfo[]; countProblem?: string } {
  const pairs = new Map<string, { info: IoInfo; by: 'name' | 'position' }>()
  const byName = new Map(tensors.map((t) => [t.name, t]))
  const leftSpecs: TensorSpec[] = []
  for (const s of specs) {
    const t = byName.get(s.name)
    if (t) pairs.set(s.name, { info: t, by: 'name' })
    else leftSpecs.push(s)
  }
  const taken = new Set([...pairs.values()].map((p) => p.info.name))
  const left = tensors.filter((t) => !taken.has(t.name))
  const required = leftSpecs.filter((s) => !s.optional)
  let chosen: TensorSpec[] | undefined
  if (role === 'input') {
    // Every graph input needs a value: the leftovers pair one to one (optional specs may drop out); shapes are
    // compared afterwards, so a wrong rank is reported as such rather than as a missing input.
    const fits = (ss: TensorSpec[]): boolean => ss.every((s, k) => left[k] !== undefined && rankFits(s, left[k]))
    if (leftSpecs.length === left.length && (leftSpecs.length === required.length || fits(leftSpecs)))
      chosen = leftSpecs
    else if (required.length === left.length) chosen = required
  } else if (left.length >= leftSpecs.length) {
    chosen = leftSpecs // extra outputs are fine
  } else if (left.length >= required.length) {
    chosen = required
  }
  if (!chosen) {
    const countProblem =
      role === 'input'
        ? `the graph has ${tensors.length} input(s), the contract ${specs.length} (${specs.filter((s) => !s.optional).length} required)`
        : `the graph has ${tensors.length} output(s), the contract needs ${specs.filter((s) => !s.optional).length}`
    return { pairs, unused: left, countProblem }
  }
  chosen.forEach((s, k) => pairs.set(s.name, { info: left[k], by: 'position' }))
  const used = new Set([...pairs.values()].map((p) => p.info.name))
  return { pairs, unused: tensors.filter((t) => !used.has(t.name)) }
}

/**
 * Checks a graph against a contract, field by field: every input and output is bound (by name, else by position)
 * and its shape and type compared. Used to refuse a wrong file at load and by `heirloom models inspect`.
 */
export function fitContract(graph: GraphIo, contract: ModelContract, label: string): ContractFit {
  const symbols = new Map<string, number>()
  const problems: string[] = []
  const inB = bindByNameThenPosition(contract.inputs, graph.inputs, 'input')
  const outB = bindByNameThenPosition(contract.outputs, graph.outputs, 'output')

  const fitAll = (specs: readonly TensorSpec[], b: typeof inB, role: 'input' | 'output'): TensorFit[] =>
    specs.map((spec) => {
      const pair = b.pairs.get(spec.name)
      const base = { name: spec.name, role, optional: spec.optional ?? false, expected: fmtSpec(spec) }
      if (!pair) {
        if (spec.optional) return { ...base, ok: true }
        const why = b.countProblem ?? `no ${role} named "${spec.name}" and none left to take its place`
        problems.push(`${role} "${spec.name}": expected ${base.expected}, found none (${why})`)
        return { ...base, ok: false, why }
      }
      // Output dtypes are not checked: fp16 exports emit float16 and the stages convert.
      const why = mismatch(spec, pair.info, role === 'input', symbols)
      if (why) {
        const graphName = pair.info.name === spec.name ? '' : ` (graph "${pair.info.name}")`
        problems.push(
          `${role} "${spec.name}"${graphName}: expected ${base.expected}, found ${fmtInfo(pair.info)} (${why})`
        )
      }
      return { ...base, found: pair.info, by: pair.by, ok: why === undefined, ...(why ? { why } : {}) }
    })

  const inputs = fitAll(contract.inputs, inB, 'input')
  const outputs = fitAll(contract.outputs, outB, 'output')
  if (inB.countProblem && inputs.every((t) => t.ok)) problems.push(`inputs: ${inB.countProblem}`)
  const scale = scaleProblem(contract, inputs, outputs)
  if (scale) problems.push(scale)

  const fit: ContractFit = {
    ok: problems.length === 0,
    inputs,
    outputs,
    unusedInputs: inB.unused,
    unusedOutputs: outB.unused,
    binding: {
      inputs: new Map([...inB.pairs].map(([k, v]) => [k, v.info.name])),
      outputs: new Map([...outB.pairs].map(([k, v]) => [k, v.info.name]))
    }
  }
  if (problems.length > 0) {
    const found = `the file has inputs ${graph.inputs.map((i) => `${i.name} ${fmtInfo(i)}`).join(', ') || 'none'}; outputs ${
      graph.outputs.map((o) => `${o.name} ${fmtInfo(o)}`).join(', ') || 'none'
    }`
    fit.problem = `${label}: ${problems[0]}. ${problems.length > 1 ? `(${problems.length - 1} more) ` : ''}${found}. Is this the right file?`
  }
  return fit
}

/** Upscalers: when the first input's and output's heights are both fixed, their ratio must be the contract scale. */
function scaleProblem(contract: ModelContract, inputs: TensorFit[], outputs: TensorFit[]): string | undefined {
  const s = contract.scale
  const i = inputs[0]?.found?.dims[2]
  const o = outputs[0]?.found?.dims[2]
  if (!s || !fixed(i) || !fixed(o) || i === 0 || o === i * s) return undefined
  return `output "${outputs[0].name}": height ${o} from input height ${i} is x${o / i}, expected x${s}`
}

/** Throws MODEL_CONTRACT, naming the model, the tensor, what was expected and what was found. */
export function checkContract(session: GraphIo, contract: ModelContract, label: string): ContractFit {
  const fit = fitContract(session, contract, label)
  if (!fit.ok) throw new HeirloomError('MODEL_CONTRACT', fit.problem!)
  return fit
}

/** Contract input name -> graph input name; throws MODEL_CONTRACT when the inputs cannot be paired. */
export function resolveInputBinding(session: GraphIo, contract: ModelContract, label: string): InputBinding {
  const fit = fitContract(session, contract, label)
  const failedInput = fit.inputs.find((t) => !t.ok)
  if (failedInput || (fit.unusedInputs.length > 0 && !fit.ok)) throw new HeirloomError('MODEL_CONTRACT', fit.problem!)
  return fit.binding.inputs
}

/** Renames feeds from contract names to the graph's names; absent optional inputs are dropped. */
export function bindInputs(
  session: GraphIo,
  contract: ModelContract,
  feeds: Readonly<Record<string, TensorData>>,
  label = 'model'
): Record<string, TensorData> {
  const binding = resolveInputBinding(session, contract, label)
  const bound: Record<string, TensorData> = {}
  for (const spec of contract.inputs) {
    const target = binding.get(spec.name)
    const feed = feeds[spec.name] ?? (target === undefined ? undefined : feeds[target])
    if (target === undefined) continue
    if (!feed) throw new HeirloomError('MODEL_CONTRACT', `${label}: no value given for input "${spec.name}"`)
    bound[target] = feed
  }
  return bound
}

/** True when the graph has the contract input (e.g. CodeFormer's optional `weight`). */
export function hasInput(session: GraphIo, contract: ModelContract, name: string, label = 'model'): boolean {
  return resolveInputBinding(session, contract, label).has(name)
}

/** The graph output bound to the contract's first output: by name, else by position. */
export function outputInfo(session: GraphIo, contract: ModelContract): IoInfo | undefined {
  const name = contract.outputs[0]?.name
  return session.outputs.find((o) => o.name === name) ?? session.outputs[0]
}

/** Picks the main output tensor from a run result (the contract's named output, else the first). */
export function pickOutput(
  session: ModelSession,
  contract: ModelContract | undefined,
  outputs: Readonly<Record<string, TensorData>>
): TensorData {
  const named = contract?.outputs[0]?.name
  const name = named !== undefined && named in outputs ? named : session.outputNames.find((n) => n in outputs)
  const t = name === undefined ? undefined : outputs[name]
  if (!t) throw new HeirloomError('MODEL_RUNTIME', 'The model returned no output')
  return t
}
