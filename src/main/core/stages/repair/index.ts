/** Damage repair: automatic mask (no model) and inpainting (`classic` OpenCV, `lama` model). */
export { detectDamage, damageParams, ANALYSIS_MAX_SIDE } from './detect-damage'
export { repair, checkMask, MAX_MASK_SHARE, type RepairOptions, type RepairResult } from './repair'
export { inpaintClassic, type ClassicAlgorithm } from './inpaint-classic'
export { inpaintLama, planLamaWindows, LAMA_CONTRACT, LAMA_FILE_CONTRACT, LAMA_SIZE } from './inpaint-lama'
export { readMask, encodeMaskPng, writeMaskPng, type MaskFit } from './mask-io'
export * from './types'
