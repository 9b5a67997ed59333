import { HeirloomError } from '../../errors'
import type { ModelSession } from '../../runtime/types'

/** The detector's fixed NCHW input size, or undefined when H/W are dynamic (symbolic or -1). */
export function fixedInputSize(session: ModelSession): { width: number; height: number } | undefined {
  const dims = session.inputs[0]?.dims
  if (!dims || dims.length !== 4) return undefined
  const h = dims[2]
  const w = dims[3]
  if (typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0) return { width: w, height: h }
  return undefined
}

export function firstInputName(session: ModelSession, label: string): string {
  const name = session.inputNames[0]
  if (!name) throw new HeirloomError('MODEL_CONTRACT', `${label} model has no input.`)
  return name
}
