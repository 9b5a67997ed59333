/**
 * False-positive policy, from scores MEASURED on every photo in /work/shared/photos (long side 1280, 1.5x square
 * FaceMesh crop; see tests/integration/detect-photos.test.ts):
 *   YuNet 2023mar (s, 640x640): real faces 0.880-0.945; newel knob 0.624; street scene 0.658 and 0.628.
 *   YuNet n (dynamic):          real faces 0.876-0.952; newel knob 0.778; street scene <= 0.355.
 *   FaceMesh face_conf:         real faces 1.000 (0.998 at worst) except the half-hidden profile in camera_gray8_512
 *                               (0.225 on YuNet-s's box, 0.880 on YuNet-n's box); knob <= 0.001; street <= 0.005.
 * So detections at or above ACCEPT_SCORE are kept outright (FaceMesh is a frontal-face model and would veto the
 * profile), and weaker candidates survive only if FaceMesh confirms them. Without FaceMesh, ACCEPT_SCORE alone.
 */
export const ACCEPT_SCORE = 0.8
export const DEFAULT_MIN_FACE_CONFIDENCE = 0.5
