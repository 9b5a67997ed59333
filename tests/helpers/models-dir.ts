/** Models folders for tests that run the real detector (YuNet from ../shared, byte-identical to yunet-2023mar). */
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ModelStore } from '../../src/main/core/models/store'
import { modelPath } from './shared-assets'

/** A ModelStore over `dir` with YuNet imported, plus the FaceMesh landmarker when `landmarks` is set. */
export async function storeWithDetector(dir: string, opts: { landmarks?: boolean } = {}): Promise<ModelStore> {
  const store = new ModelStore({ dir })
  await store.importFile('yunet-2023mar', modelPath('yunet_s_640_640.onnx'))
  if (opts.landmarks) await store.importFile('facemesh-468', modelPath('mediapipe_facemesh_468.onnx'))
  return store
}

/** Creates `dir` holding YuNet under its manifest file name, as a user who copied it in by hand would (no import). */
export function placeDetectorFile(dir: string): void {
  mkdirSync(dir, { recursive: true })
  copyFileSync(modelPath('yunet_s_640_640.onnx'), join(dir, 'face_detection_yunet_2023mar.onnx'))
}
