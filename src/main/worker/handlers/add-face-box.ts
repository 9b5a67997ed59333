import { landmarksForBox } from '../../core/stages/detect'
import { clipBox } from '../worker-state'
import type { Handler } from './types'

/** A face the user drew: clipped to the photo, landmarks placed by landmarksForBox. */
export const addFaceBox: Handler<'addFaceBox'> = {
  queued: true,
  async run(p, { state, signal }) {
    const s = state.session(p.sessionId)
    const { width, height } = s.photo.image
    const face = await landmarksForBox(state.engine, s.photo.image, clipBox(p.box, width, height), {
      ...(p.detector ? { detector: p.detector } : {}),
      signal
    })
    s.addFace(face)
    return state.measuredInfo(p.sessionId)
  }
}
