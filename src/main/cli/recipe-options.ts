import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { HeirloomError } from '../core/errors'
import type { ColorStep, RecipeStep, RepairStep } from '../core/pipeline/recipe-steps'
import { REPAIR_METHODS, type RepairMethod } from '../core/stages/repair/types'
import { addColorOptions, anyColorFlag, colorFlagValues, colorOptionsFromFlags } from './color-options'
import { parseNumber } from './commands/detect'

/** The recipe flags of `restore`, `batch` and `queue add`: repair and colour before the faces (or colour after). */
export interface RecipeFlags {
  repair?: boolean
  repairMethod?: RepairMethod
  repairSensitivity?: string
  repairMask?: string
  repairModelFile?: string
  maskFit?: 'exact' | 'stretch'
  color?: boolean
  colorizeAfter?: boolean
  force?: boolean
}

export function addRecipeOptions(cmd: Command): Command {
  return addColorOptions(
    cmd
      .option('--repair', 'repair scratches, dust and torn corners first (classic inpainting; no download)')
      .addOption(
        new Option('--repair-method <m>', 'inpainting of --repair: classic, or lama (OpenCV Zoo LaMa)').choices([
          ...REPAIR_METHODS
        ])
      )
      .option('--repair-sensitivity <s>', 'automatic damage mask of --repair: 0 (only obvious) .. 1 (more); 0.5')
      .option('--repair-model-file <onnx>', 'a LaMa ONNX file for --repair-method lama (default: lama-2025jan)')
      .option('--repair-mask <png>', 'single photo: repair this mask (photo size, non-zero = damaged) instead')
      .addOption(
        new Option(
          '--mask-fit <mode>',
          'a --repair-mask of another size: exact refuses it, stretch resizes it'
        ).choices(['exact', 'stretch'])
      )
      .option('--color', 'correct fading and casts first (the colour options below turn it on too)'),
    'recipe'
  )
    .option('--colorize-after', 'colourise after face restoration instead of before it')
    .option('--force', 'repair a mask over 60 % of the photo; colourise a photo that is already in colour')
}

/**
 * The recipe's ordered steps from the flags, or undefined for a plain restore (so a plain batch keeps its recipe
 * hash). Order: repair -> colour -> restore; with --colorize-after the colourising moves after restore.
 */
export function recipeStepsFromFlags(flags: RecipeFlags, where: 'photo' | 'folder'): RecipeStep[] | undefined {
  const c = colorFlagValues(flags, 'recipe')
  const repairing =
    flags.repair === true ||
    flags.repairMethod !== undefined ||
    flags.repairSensitivity !== undefined ||
    flags.repairMask !== undefined ||
    flags.repairModelFile !== undefined
  const coloring = flags.color === true || anyColorFlag(c)
  if (flags.maskFit !== undefined && flags.repairMask === undefined)
    throw new HeirloomError('INVALID_REQUEST', '--mask-fit applies with --repair-mask.')
  if (flags.repairMask !== undefined && where === 'folder')
    throw new HeirloomError(
      'INVALID_REQUEST',
      'A folder is repaired with the automatic mask (one mask file fits one photo).'
    )
  if (flags.repairMask !== undefined && flags.repairSensitivity !== undefined)
    throw new HeirloomError('INVALID_REQUEST', '--repair-sensitivity tunes the automatic mask, not --repair-mask.')
  if (flags.repairModelFile !== undefined && flags.repairMethod !== 'lama')
    throw new HeirloomError('INVALID_REQUEST', '--repair-model-file needs --repair-method lama.')
  if (flags.force && !repairing && !coloring)
    throw new HeirloomError('INVALID_REQUEST', '--force applies with --repair or the colour options.')
  const steps: RecipeStep[] = []
  if (repairing) {
    const step: RepairStep = {
      op: 'repair',
      method: flags.repairMethod ?? 'classic',
      sensitivity: parseNumber(flags.repairSensitivity, '--repair-sensitivity', 0, 1) ?? 0.5,
      ...(flags.repairMask ? { mask: resolve(flags.repairMask), maskFit: flags.maskFit ?? 'exact' } : {}),
      ...(flags.force ? { force: true } : {}),
      ...(flags.repairModelFile ? { modelFile: resolve(flags.repairModelFile) } : {})
    }
    steps.push(step)
  }
  let after: ColorStep | undefined
  if (coloring) {
    const o = colorOptionsFromFlags(c, 'recipe')
    const colorizing = o.colorizerFile !== undefined || o.colorize !== 'none'
    if (!colorizing && o.fade === 'none')
      throw new HeirloomError('INVALID_REQUEST', 'Nothing to do in the colour step: --fade none and no --colorize.')
    if (flags.colorizeAfter && !colorizing)
      throw new HeirloomError('INVALID_REQUEST', '--colorize-after needs --colorize (or --colorize-file).')
    const fade: ColorStep = {
      op: 'color',
      fade: o.fade ?? 'auto',
      ...(o.fade !== 'none' ? { keepTone: o.keepTone === true } : {}),
      ...(o.strength !== undefined ? { strength: o.strength } : {})
    }
    const colorize: Omit<ColorStep, 'op' | 'fade'> = colorizing
      ? {
          ...(o.colorizerFile ? { colorizerFile: o.colorizerFile } : { colorize: o.colorize }),
          ...(o.renderSize !== undefined ? { renderSize: o.renderSize } : {}),
          ...(o.blend !== undefined ? { blend: o.blend } : {}),
          ...(flags.force ? { force: true } : {})
        }
      : {}
    if (flags.colorizeAfter) {
      if (fade.fade === 'auto') steps.push(fade)
      after = { op: 'color', fade: 'none', ...colorize }
    } else {
      steps.push({ ...fade, ...colorize })
    }
  } else if (flags.colorizeAfter) {
    throw new HeirloomError('INVALID_REQUEST', '--colorize-after needs --colorize (or --colorize-file).')
  }
  if (steps.length === 0 && !after) return undefined
  steps.push({ op: 'restore' })
  if (after) steps.push(after)
  return steps
}
