/** Stand-in restorers as LoadedModels (real ORT sessions on test graphs) and a run-counting session wrapper. */
import type { ManifestEntry, ModelFamily } from '../../src/shared/model-manifest'
import type { LoadedModel } from '../../src/main/core/engine'
import { openSession } from '../../src/main/core/runtime/ort-adapter'
import type { ModelSession, RunOptions, TensorData } from '../../src/main/core/runtime/types'

export function restorerEntry(
  id: string,
  family: ModelFamily = 'gfpgan',
  size = 512,
  withWeight = false
): ManifestEntry {
  return {
    id,
    name: id,
    kind: 'restorer',
    family,
    file: `${id}.onnx`,
    license: 'test',
    commercialUse: true,
    urls: ['https://example.invalid/model.onnx'],
    options: withWeight ? { fidelityInput: 'weight' } : undefined,
    contract: {
      inputs: [
        { name: 'input', dims: [1, 3, size, size], dtype: 'float32' },
        ...(withWeight ? [{ name: 'weight', dims: [1], dtype: 'float64' as const }] : [])
      ],
      outputs: [{ name: 'output', dims: [1, 3, size, size], dtype: 'float32' }],
      layout: 'NCHW',
      channels: 'RGB',
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
      outputRange: '[-1,1]',
      template: 'ffhq_512',
      cropSize: size
    }
  }
}

export interface CountingSession extends ModelSession {
  runs: number
  feeds: Readonly<Record<string, TensorData>>[]
  /** Called before each run is forwarded (e.g. to cancel mid-job). */
  beforeRun?: (n: number) => void
}

export function countingSession(inner: ModelSession, keepFeeds = false): CountingSession {
  const s: CountingSession = {
    runs: 0,
    feeds: [],
    get inputNames() {
      return inner.inputNames
    },
    get outputNames() {
      return inner.outputNames
    },
    get inputs() {
      return inner.inputs
    },
    get outputs() {
      return inner.outputs
    },
    get provider() {
      return inner.provider
    },
    async run(feeds: Readonly<Record<string, TensorData>>, options?: RunOptions) {
      s.runs++
      if (keepFeeds) s.feeds.push(feeds)
      s.beforeRun?.(s.runs)
      return inner.run(feeds, options)
    },
    dispose: () => inner.dispose()
  }
  return s
}

export async function loadStandIn(
  bytes: Uint8Array,
  entry: ManifestEntry
): Promise<LoadedModel & { session: CountingSession }> {
  const session = countingSession(await openSession(bytes, { provider: 'cpu' }), entry.family === 'codeformer')
  return { entry, path: `/stand-in/${entry.file}`, session }
}
