/**
 * Stand-in restorer graphs the reliability tests need beyond tests/fixtures/model-graphs: one that passes the
 * restorer contract but fails inside the run, and one that is slow (for cancellation).
 */
import { encodeModel, i64 } from '../../fixtures/onnx-writer'

/**
 * Restorer contract (`input`/`output` [1,3,S,S]) that throws at run time: the first Reshape's target shape is
 * computed from the pixel data (max + 6 -> [7]), so ORT cannot reject it at load, and no S*S*3 tensor has 7 values.
 */
export function runtimeFailingRestorer(size = 512): Uint8Array {
  return encodeModel({
    name: 'runtime_failing_restorer',
    inputs: [{ name: 'input', type: 'float32', dims: [1, 3, size, size] }],
    outputs: [{ name: 'output', type: 'float32', dims: [1, 3, size, size] }],
    initializers: [
      { name: 'zero', type: 'float32', dims: [], data: Float32Array.from([0]) },
      { name: 'seven', type: 'float32', dims: [], data: Float32Array.from([7]) },
      i64('axis0', [0]),
      i64('final_shape', [1, 3, size, size])
    ],
    nodes: [
      { op: 'ReduceMax', inputs: ['input'], outputs: ['mx'], attrs: { keepdims: 0 } },
      { op: 'Mul', inputs: ['mx', 'zero'], outputs: ['z'] },
      { op: 'Add', inputs: ['z', 'seven'], outputs: ['n'] },
      { op: 'Cast', inputs: ['n'], outputs: ['ni'], attrs: { to: 7 } },
      { op: 'Unsqueeze', inputs: ['ni', 'axis0'], outputs: ['shape'] },
      { op: 'Reshape', inputs: ['input', 'shape'], outputs: ['bad'] },
      // An op in between keeps ORT's optimiser from fusing the two reshapes into the valid one.
      { op: 'Neg', inputs: ['bad'], outputs: ['neg'] },
      { op: 'Reshape', inputs: ['neg', 'final_shape'], outputs: ['output'] }
    ]
  })
}

/**
 * Restorer contract whose output equals its input but costs `layers` 9x9 convolutions (centre tap 1), so one run
 * takes a noticeable time on the CPU.
 */
export function slowIdentityRestorer(size = 512, layers = 24): Uint8Array {
  const k = 9
  const w = new Float32Array(3 * 3 * k * k)
  for (let c = 0; c < 3; c++) w[((c * 3 + c) * k + (k >> 1)) * k + (k >> 1)] = 1
  const nodes = []
  let prev = 'input'
  for (let i = 0; i < layers; i++) {
    const out = i === layers - 1 ? 'output' : `h${i}`
    nodes.push({ op: 'Conv', inputs: [prev, 'w'], outputs: [out], attrs: { kernel_shape: [k, k], pads: [4, 4, 4, 4] } })
    prev = out
  }
  return encodeModel({
    name: 'slow_identity_restorer',
    inputs: [{ name: 'input', type: 'float32', dims: [1, 3, size, size] }],
    outputs: [{ name: 'output', type: 'float32', dims: [1, 3, size, size] }],
    initializers: [{ name: 'w', type: 'float32', dims: [3, 3, k, k], data: w }],
    nodes
  })
}
