import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { HeirloomError } from '../core/errors'
import {
  COLORIZER_MODELS,
  DEFAULT_RENDER_SIZE,
  RENDER_SIZES,
  type ColorizerChoice,
  type ColorizerFamily,
  type ColorPhotoOptions
} from '../core/stages/color'
import { parseNumber } from './commands/detect'

/**
 * The Colour options, defined once for `color`, `restore`, `batch` and `queue add`. In the restore commands three
 * names differ because restore already has them: --strength (face blend), --model-file / --model-kind (restorer).
 */
export type ColorOptionsVariant = 'color' | 'recipe'

const NAMES = {
  color: { strength: '--strength', file: '--model-file', family: '--model-family' },
  recipe: { strength: '--color-strength', file: '--colorize-file', family: '--colorize-family' }
} as const

/** The parsed colour flags, whichever variant's names they came in under. */
export interface ColorFlagValues {
  fade?: 'auto' | 'none'
  keepTone?: boolean
  strength?: string
  colorize?: ColorizerChoice | 'none'
  modelFile?: string
  modelFamily?: ColorizerFamily
  renderSize?: string
  blend?: string
  force?: boolean
}

export function addColorOptions(cmd: Command, variant: ColorOptionsVariant): Command {
  const n = NAMES[variant]
  const fade = new Option('--fade <mode>', 'fade and cast correction').choices(['auto', 'none'])
  const colorize = new Option('--colorize <model>', 'colourise a black-and-white photo with this model').choices([
    'none',
    ...Object.keys(COLORIZER_MODELS)
  ])
  return cmd
    .addOption(variant === 'color' ? fade.default('auto') : fade)
    .option('--keep-tone', 'keep a sepia/cyanotype tone (levels on lightness only) instead of neutralising it')
    .option(`${n.strength} <s>`, 'fade correction strength 0..1 (default 1)')
    .addOption(variant === 'color' ? colorize.default('none') : colorize)
    .option(`${n.file} <file>`, `a colouriser ONNX file instead of --colorize (needs ${n.family})`)
    .addOption(new Option(`${n.family} <family>`, `contract of ${n.file}`).choices(['ddcolor', 'deoldify']))
    .addOption(
      new Option(
        '--render-size <px>',
        `colouriser input size, the "render factor" (default ${DEFAULT_RENDER_SIZE}): larger gives finer colour ` +
          'detail and takes longer; the lightness is always the photo at full resolution'
      ).choices(RENDER_SIZES.map(String))
    )
    .option('--blend <b>', 'colour strength over the black-and-white original, 0..1 (default 1)')
}

/** Reads the colour flags of either variant into one shape (commander names them after the flag). */
export function colorFlagValues(flags: object, variant: ColorOptionsVariant): ColorFlagValues {
  const f = flags as ColorFlagValues & {
    colorStrength?: string
    colorizeFile?: string
    colorizeFamily?: ColorizerFamily
  }
  return variant === 'color'
    ? f
    : { ...f, strength: f.colorStrength, modelFile: f.colorizeFile, modelFamily: f.colorizeFamily }
}

/** True when any colour flag was given (restore: they turn the colour step on; `--colorize none` does not). */
export function anyColorFlag(f: ColorFlagValues): boolean {
  const colorize = f.colorize === 'none' ? undefined : f.colorize
  return [f.fade, f.keepTone, f.strength, colorize, f.modelFile, f.modelFamily, f.renderSize, f.blend].some(
    (v) => v !== undefined
  )
}

/** Checks and converts the colour flags; the same rules and words for every command. */
export function colorOptionsFromFlags(f: ColorFlagValues, variant: ColorOptionsVariant): ColorPhotoOptions {
  const n = NAMES[variant]
  const fade = f.fade ?? 'auto'
  const colorize = f.colorize ?? 'none'
  if (f.modelFile && !f.modelFamily) {
    throw new HeirloomError('INVALID_REQUEST', `${n.file} needs ${n.family} ddcolor|deoldify.`)
  }
  if (f.modelFamily && !f.modelFile) {
    throw new HeirloomError('INVALID_REQUEST', `${n.family} only applies with ${n.file}.`)
  }
  if (f.modelFile && colorize !== 'none') {
    throw new HeirloomError('INVALID_REQUEST', `${n.file} replaces --colorize; give one of them.`)
  }
  const colorizing = f.modelFile !== undefined || colorize !== 'none'
  // In the restore commands --force also forces a repair mask, so only `color` ties it to colourising.
  const force = variant === 'color' ? f.force === true : undefined
  if (!colorizing && (f.renderSize !== undefined || f.blend !== undefined || force)) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `--render-size, --blend${variant === 'color' ? ' and --force' : ''} apply with --colorize or ${n.file}.`
    )
  }
  if (fade === 'none' && (f.strength !== undefined || f.keepTone)) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `${n.strength} and --keep-tone apply to fade correction, which --fade none turns off.`
    )
  }
  return {
    fade,
    keepTone: f.keepTone === true,
    strength: parseNumber(f.strength, n.strength, 0, 1),
    colorize,
    ...(f.modelFile && f.modelFamily ? { colorizerFile: { file: resolve(f.modelFile), family: f.modelFamily } } : {}),
    renderSize: f.renderSize === undefined ? undefined : Number(f.renderSize),
    blend: parseNumber(f.blend, '--blend', 0, 1),
    force: f.force === true
  }
}
