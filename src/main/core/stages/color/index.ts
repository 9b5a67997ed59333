/**
 * Colour: fade and cast correction (no model) and colourisation (frame-colouriser models). Pure functions over
 * RgbImage, so the operation registry, the CLI and the worker can all call them.
 */
export { correctFade, type FadeOptions, type FadeParams, type FadeResult } from './fade'
export {
  colorizeImage,
  DEFAULT_RENDER_SIZE,
  RENDER_SIZES,
  type ColorizeOptions,
  type ColorizeResult,
  type ColorizerFamily
} from './colorize'
export { COLORIZER_MODELS, colorizerModelId, type ColorizerChoice } from './models'
export { colorPhoto, type ColorPhotoOptions, type ColorPhotoReport } from './color-photo'
export { isTonedMonochrome } from './tone'
