import type { Engine } from '../../engine'
import { DEFAULT_DETECTOR, DEFAULT_LANDMARK_MODEL, detectFaces } from '../../stages/detect'
import { detectOptionsSchema, type DetectParams } from '../common-schemas'
import { defineOperation } from '../types'

function detectModels(_engine: Engine, p: DetectParams): string[] {
  const detector = p.detector ?? DEFAULT_DETECTOR
  // The landmark model verifies faces when installed ('auto'); it is only required with verify: 'always'.
  return p.verify === 'always' ? [detector, p.landmarkModel ?? DEFAULT_LANDMARK_MODEL] : [detector]
}

/**
 * Face detection on the whole photo (YuNet, SCRFD, RetinaFace, UltraFace + FaceMesh landmarks): its result is the
 * session's face list, which every per-face operation then works on. An untouched photo starts from it.
 */
export const detect = defineOperation({
  id: 'detect',
  kind: 'photo',
  params: detectOptionsSchema,
  models: detectModels,
  async apply(engine, session, params, edit) {
    edit.onProgress?.({ stage: 'detect' })
    const r = await detectFaces(engine, session.photo.image, { ...params, signal: edit.signal })
    session.detected(r.faces, r.rotation, params)
  },
  label: () => 'Detect faces'
})
