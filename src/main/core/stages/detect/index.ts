export {
  detectFaces,
  DEFAULT_DETECTOR,
  DEFAULT_LANDMARK_MODEL,
  DEFAULT_MAX_SIDE,
  type DetectRefs
} from './detect-faces'
export { landmarksForBox } from './landmarks-for-box'
export { ACCEPT_SCORE, DEFAULT_MIN_FACE_CONFIDENCE } from './verify'
export type { DetectOptions, DetectResult, FaceSelection, Rotation, StageTimings } from './types'
