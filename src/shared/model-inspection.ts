/** What `heirloom models inspect` and the Models panel's detail view show about one model file. */
export interface InspectedTensor {
  name: string
  dtype: string
  /** Fixed dims are numbers; dynamic ones their symbol (or -1). Empty when the graph does not declare a shape. */
  dims: (number | string)[]
}

/** One contract tensor and the graph tensor it was matched to. */
export interface TensorVerdict {
  role: 'input' | 'output'
  /** Name in the manifest contract. */
  name: string
  expected: string
  /** `name dtype [dims]` of the graph tensor bound to it. */
  found?: string
  by?: 'name' | 'position'
  optional: boolean
  ok: boolean
  why?: string
}

export interface ModelInspection {
  file: string
  bytes: number
  sha256: string
  format: 'onnx' | 'npy'
  /** ONNX: IR version, operator sets (domain '' is the default ai.onnx), producer. */
  irVersion?: number
  opsets?: { domain: string; version: number }[]
  producer?: string
  inputs: InspectedTensor[]
  outputs: InspectedTensor[]
  /** The manifest model this file was checked against, and why that one. */
  checkedAgainst?: { id: string; name: string; kind: string; family: string; reason: string }
  /** Manifest models whose contract this file fits (when none was named). */
  fits?: string[]
  verdict: {
    /** True when the file fits the contract it was checked against (undefined: nothing to check against). */
    ok?: boolean
    tensors: TensorVerdict[]
    /** Other checks: pinned SHA-256, output scale measured by a probe run, the decoder a family picks. */
    notes: { field: string; ok: boolean; text: string }[]
    /** The first problem, as the engine would report it when loading the file. */
    problem?: string
  }
}
