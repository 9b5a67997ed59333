import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { ModelStore } from '../../../src/main/core/models/store'
import { writeGraphFile } from '../../fixtures/age-graphs'
import type { GraphSpec } from '../../fixtures/onnx-writer'
import { identityRestorer, writeGraph } from '../../fixtures/model-graphs'
import { slowIdentityRestorer } from '../../reliability/support/graphs'

/** Period (rows of the 1024 output) of the stand-in's age texture. */
export const WRINKLE_PERIOD = 32

/**
 * StyleGANEX-age contract (`target` [1,3,256,256], `target_with_background` [1,3,384,384], scalar `direction` ->
 * `output` [1,3,1024,1024]): the 384 crop resized to 1024 plus 0.25 * direction * horizontal bands of +-1 with
 * period WRINKLE_PERIOD over the middle of the output (the face). Bands rather than a flat shift, because the age stage's colour match puts back the photo's
 * local mean colour (down to 1/32 of the crop) and would cancel a uniform offset; bands that fine survive it.
 */
export function wrinkleStyleganexGraph(): GraphSpec {
  // Only on the face (the middle of the output), as a real age model leaves the background it was given.
  const inFace = (i: number): boolean => i >= 1024 * 0.3 && i < 1024 * 0.7
  const bands = new Float32Array(1024)
  const columns = new Float32Array(1024)
  for (let i = 0; i < 1024; i++) {
    bands[i] = inFace(i) ? (i % WRINKLE_PERIOD < WRINKLE_PERIOD / 2 ? 1 : -1) : 0
    columns[i] = inFace(i) ? 1 : 0
  }
  const f32 = (name: string, dims: number[]) => ({ name, type: 'float32' as const, dims })
  return {
    name: 'styleganex_wrinkles',
    inputs: [f32('target', [1, 3, 256, 256]), f32('target_with_background', [1, 3, 384, 384]), f32('direction', [])],
    outputs: [f32('output', [1, 3, 1024, 1024])],
    nodes: [
      {
        op: 'Resize',
        inputs: ['target_with_background', '', '', 'sizes'],
        outputs: ['up'],
        attrs: { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }
      },
      { op: 'Mul', inputs: ['direction', 'gain'], outputs: ['amount'] },
      { op: 'Mul', inputs: ['amount', 'bands'], outputs: ['rows'] },
      { op: 'Mul', inputs: ['rows', 'columns'], outputs: ['texture'] },
      // `target` is read (times 0) so the runtime cannot prune the input away.
      { op: 'ReduceMean', inputs: ['target'], outputs: ['tmean'], attrs: { keepdims: 0 } },
      { op: 'Mul', inputs: ['tmean', 'zero'], outputs: ['tnull'] },
      { op: 'Add', inputs: ['texture', 'tnull'], outputs: ['texture2'] },
      { op: 'Add', inputs: ['up', 'texture2'], outputs: ['output'] }
    ],
    initializers: [
      { name: 'sizes', type: 'int64', dims: [4], data: BigInt64Array.from([1n, 3n, 1024n, 1024n]) },
      { name: 'gain', type: 'float32', dims: [], data: Float32Array.of(0.25) },
      { name: 'zero', type: 'float32', dims: [], data: Float32Array.of(0) },
      { name: 'bands', type: 'float32', dims: [1, 1, 1024, 1], data: bands },
      { name: 'columns', type: 'float32', dims: [1, 1, 1, 1024], data: columns }
    ]
  }
}

/**
 * A models dir for the age flow: the real YuNet (as yunet-2023mar), the wrinkle stand-in above as
 * styleganex-age (unpinned entry, so the store accepts it after its contract check) and the identity stand-in as
 * `restorerId` (default: the manifest's default restorer, gfpgan-1.4), which "Restore after aging" (on by default) runs after the age step.
 */
export async function prepareAgeModels(yunet: string, restorerId = 'gfpgan-1.4'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'heirloom-e2e-age-models-'))
  const work = mkdtempSync(join(tmpdir(), 'heirloom-e2e-age-graphs-'))
  const store = new ModelStore({ dir })
  await store.importFile('yunet-2023mar', yunet)
  await store.importFile('styleganex-age', writeGraphFile(work, 'styleganex-standin.onnx', wrinkleStyleganexGraph()))
  await store.importFile(restorerId, writeGraph(work, 'identity-standin.onnx', identityRestorer(512)))
  return dir
}

/** A models dir with YuNet and a restorer slow enough (identity output, many convolutions) to pause a batch. */
export async function prepareSlowBatchModels(yunet: string, layers: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'heirloom-e2e-batch-models-'))
  const work = mkdtempSync(join(tmpdir(), 'heirloom-e2e-batch-graphs-'))
  const store = new ModelStore({ dir })
  await store.importFile('yunet-2023mar', yunet)
  await store.importFile('gfpgan-1.4', writeGraph(work, 'slow-identity.onnx', slowIdentityRestorer(512, layers)))
  return dir
}

/** The photo's own RGB at an image point, to compare with what the canvas draws. */
export async function sourcePixels(path: string): Promise<(x: number, y: number) => number[]> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return (x, y) => {
    const o = (Math.round(y) * info.width + Math.round(x)) * 3
    return [data[o], data[o + 1], data[o + 2]]
  }
}
