import type { ModelContract, TensorSpec } from '../../../shared/model-manifest'
import { HeirloomError } from '../errors'
import type { IoInfo, ModelSession, TensorData } from './types'

/** Contract input name -> the session's input name (absent optional inputs are left out). */
export type InputBinding = ReadonlyMap<string, string>

function fmtDims(dims: readonly (number | string)[]): string {
  return `[${dims.join(',')}]`
}
const fmtSpec = (s: TensorSpec): string => `${s.dtype} ${fmtDims(s.dims)}`
const fmtInfo = (i: IoInfo): string => `${i.type} ${fmtDims(i.dims)}`

function fixed(d: number | string): d is number {
  return typeof d === 'number' && d >= 0
}

/**
 * Why a graph tensor does not fit a contract spec, or undefined when it fits. Dynamic dims on either side fit;
 * an empty contract `dims` means the shape is not pinned (unverified exports).
 */
function mismatch(spec: TensorSpec, info: IoInfo, checkType: boolean): string | undefined {
  // ORT reports [] when the graph leaves the shape undeclared; nothing to compare then either.
  const shapeKnown = info.dims.length > 0 && spec.dims.length > 0
  if (shapeKnown && info.dims.length !== spec.dims.length) return 'rank differs'
  if (shapeKnown) {
    for (let k = 0; k < spec.dims.length; k++) {
      const want = spec.dims[k]
      const got = info.dims[k]
      if (fixed(want) && fixed(got) && want !== got) return `dimension ${k} is ${got}, expected ${want}`
    }
  }
  const accepted = info.type === spec.dtype || (spec.altDtypes ?? []).some((t) => t === info.type)
  if (checkType && info.type !== 'unknown' && !accepted) return `type is ${info.type}`
  return undefined
}

function rankFits(spec: TensorSpec, info: IoInfo): boolean {
  return info.dims.length === 0 || spec.dims.length === 0 || info.dims.length === spec.dims.length
}

/**
 * Pairs contract inputs with graph inputs: by name first, then positionally when the leftover names differ but
 * their count and ranks match (exports often rename `input` to `x` or `input.1`).
 */
export function resolveInputBinding(session: ModelSession, contract: ModelContract, label: string): InputBinding {
  const binding = new Map<string, string>()
  const byName = new Map(session.inputs.map((i) => [i.name, i]))
  const leftSpecs: TensorSpec[] = []
  for (const spec of contract.inputs) {
    if (byName.has(spec.name)) binding.set(spec.name, spec.name)
    else leftSpecs.push(spec)
  }
  const leftInputs = session.inputs.filter((i) => ![...binding.values()].includes(i.name))
  const required = leftSpecs.filter((s) => !s.optional)

  const pairs = (specs: TensorSpec[]): boolean =>
    specs.length === leftInputs.length && specs.every((s, k) => rankFits(s, leftInputs[k]))
  if (leftSpecs.length > 0 && pairs(leftSpecs)) {
    leftSpecs.forEach((s, k) => binding.set(s.name, leftInputs[k].name))
  } else if (leftInputs.length > 0 && pairs(required)) {
    required.forEach((s, k) => binding.set(s.name, leftInputs[k].name))
  } else if (required.length > 0 || leftInputs.length > 0) {
    const expected = contract.inputs.map((s) => `${s.name}${s.optional ? '?' : ''} ${fmtSpec(s)}`).join(', ')
    const found = session.inputs.map((i) => `${i.name} ${fmtInfo(i)}`).join(', ')
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `${label}: the model's inputs do not match. Expected ${expected}; found ${found}. Is this the right file?`
    )
  }
  return binding
}

/** Throws MODEL_CONTRACT, naming expected and found names/shapes, when the graph does not fit the contract. */
export function checkContract(session: ModelSession, contract: ModelContract, label: string): void {
  const binding = resolveInputBinding(session, contract, label)
  for (const spec of contract.inputs) {
    const name = binding.get(spec.name)
    if (name === undefined) continue
    const info = session.inputs.find((i) => i.name === name)!
    const why = mismatch(spec, info, true)
    if (why) {
      throw new HeirloomError(
        'MODEL_CONTRACT',
        `${label}: input "${name}" is ${fmtInfo(info)} but ${fmtSpec(spec)} was expected (${why}). Is this the right file?`
      )
    }
  }

  const main = contract.outputs[0]
  const out = outputInfo(session, contract)
  if (!out) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `${label}: the model has no output "${main.name}" (found ${session.outputNames.join(', ') || 'none'})`
    )
  }
  if (session.outputs.length < contract.outputs.length) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `${label}: expected ${contract.outputs.length} outputs (${contract.outputs.map((o) => o.name).join(', ')}), ` +
        `found ${session.outputs.length} (${session.outputNames.join(', ')})`
    )
  }
  // Output dtypes are not checked: fp16 exports emit float16 and the runtime converts.
  const why = mismatch(main, out, false)
  if (why) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `${label}: output "${out.name}" is ${fmtInfo(out)} but ${fmtSpec(main)} was expected (${why}). Is this the right file?`
    )
  }
}

/** Renames feeds from contract names to the graph's names; absent optional inputs are dropped. */
export function bindInputs(
  session: ModelSession,
  contract: ModelContract,
  feeds: Readonly<Record<string, TensorData>>,
  label = 'model'
): Record<string, TensorData> {
  const binding = resolveInputBinding(session, contract, label)
  const bound: Record<string, TensorData> = {}
  for (const spec of contract.inputs) {
    const target = binding.get(spec.name)
    const feed = feeds[spec.name]
    if (target === undefined) continue
    if (!feed) throw new HeirloomError('MODEL_CONTRACT', `${label}: no value given for input "${spec.name}"`)
    bound[target] = feed
  }
  return bound
}

/** True when the graph has the contract input (e.g. CodeFormer's optional `weight`). */
export function hasInput(session: ModelSession, contract: ModelContract, name: string, label = 'model'): boolean {
  return resolveInputBinding(session, contract, label).has(name)
}

/** The graph output matching the contract's first output: by name, else the first output. */
export function outputInfo(session: ModelSession, contract: ModelContract): IoInfo | undefined {
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
