import type { LoadedModel } from '../../engine'
import { HeirloomError } from '../../errors'
import type { ModelFamily, TemplateId } from '../../../../shared/model-manifest'

/** Everything the restore stage needs to know about a restorer, read once from its manifest contract + graph. */
export interface RestorerSpec {
  id: string
  family: ModelFamily
  cropSize: number
  template: TemplateId
  channels: 'RGB' | 'BGR'
  layout: 'NCHW' | 'NHWC'
  mean: [number, number, number]
  std: [number, number, number]
  outputRange: '[-1,1]' | '[0,1]' | '[0,255]'
  inputName: string
  outputName: string
  /** Name of the fidelity input (CodeFormer `weight`) when the graph has one; absent = fidelity fixed by the export. */
  fidelityInput?: string
}

export const RESTORER_FAMILIES: readonly ModelFamily[] = ['gfpgan', 'codeformer', 'restoreformer', 'gpen']

/**
 * Reads the contract of a loaded restorer. Defaults are the shared restorer contract (RGB, (x/255-0.5)/0.5, NCHW,
 * ffhq at 512, output [-1,1]); anything the manifest states wins, so no model gets special cases downstream.
 */
export function restorerSpec(model: LoadedModel): RestorerSpec {
  const { entry, session } = model
  if (entry.kind !== 'restorer') {
    throw new HeirloomError('INVALID_REQUEST', `Model "${entry.id}" is a ${entry.kind}, not a face restorer.`)
  }
  const c = entry.contract
  const fidelityName = typeof entry.options?.fidelityInput === 'string' ? entry.options.fidelityInput : 'weight'
  const fidelityInput = session.inputNames.includes(fidelityName) ? fidelityName : undefined
  const imageInput =
    c?.inputs.find((i) => i.dims.length === 4 && session.inputNames.includes(i.name))?.name ??
    session.inputs.find((i) => i.dims.length === 4)?.name ??
    session.inputNames.find((n) => n !== fidelityInput)
  if (!imageInput) throw new HeirloomError('MODEL_CONTRACT', `Restorer "${entry.id}" has no image input.`)
  const outputName = c?.outputs.find((o) => session.outputNames.includes(o.name))?.name ?? session.outputNames[0]
  if (!outputName) throw new HeirloomError('MODEL_CONTRACT', `Restorer "${entry.id}" has no output.`)
  const layout = c?.layout ?? 'NCHW'
  const dims = session.inputs.find((i) => i.name === imageInput)?.dims ?? []
  const graphSide = dims[layout === 'NCHW' ? 2 : 1]
  const cropSize = c?.cropSize ?? (typeof graphSide === 'number' && graphSide > 0 ? graphSide : 512)
  if (typeof graphSide === 'number' && graphSide > 0 && graphSide !== cropSize) {
    throw new HeirloomError(
      'MODEL_CONTRACT',
      `Restorer "${entry.id}" takes ${graphSide}x${graphSide} crops but its contract says ${cropSize}.`
    )
  }
  // A contract that leaves mean/std at the schema defaults (0/1) still means the restorer convention when the
  // manifest did not state an output range either, i.e. the entry carries no pixel contract at all.
  const statesPixels = c?.outputRange !== undefined
  return {
    id: entry.id,
    family: entry.family,
    cropSize,
    template: c?.template ?? 'ffhq_512',
    channels: c?.channels ?? 'RGB',
    layout,
    mean: statesPixels ? [...c.mean] : [0.5, 0.5, 0.5],
    std: statesPixels ? [...c.std] : [0.5, 0.5, 0.5],
    outputRange: c?.outputRange ?? '[-1,1]',
    inputName: imageInput,
    outputName,
    fidelityInput
  }
}
