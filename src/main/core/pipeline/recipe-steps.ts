import { isAbsolute } from 'node:path'
import { z } from 'zod'
import { HeirloomError } from '../errors'
import { COLORIZER_MODELS, RENDER_SIZES } from '../stages/color'
import { REPAIR_METHODS } from '../stages/repair/types'

/**
 * A restore recipe as one ordered list of steps: what runs, in which order, with which settings. The CLI builds
 * it from flags, the worker runs it, the batch journal hashes it (a changed recipe redoes the photo on --resume),
 * queued jobs carry it, and the provenance note and `--json` list it in this order.
 *
 * Default order: repair -> colour -> restore (`--colorize-after`: repair -> fade -> restore -> colourise).
 * Why repair first: the restorers should see a clean face (issue 15, item 4; Microsoft's "Bringing Old Photos Back
 * to Life" also repairs scratches over the whole photo before its face stage: microsoft/Bringing-Old-Photos-Back-to-
 * Life, run.py stage 1 before stages 2-4).
 * Why colour before restore, measured (tests/integration/recipe-order.test.ts, 4 gray face photos of ../shared,
 * stand-in ddcolor/deoldify colourisers, identity and contrast-stretch restorers): with the identity restorer the
 * two orders differ by 0.07-0.25 mean CIEDE2000 in the faces, the seam band by <= 0.02, lightness equally kept;
 * with the contrast stand-in the seam band favours colourising after in 6 of 8 cases by 0.1-0.6 dE and before in 2
 * (0.2-0.6 dE) -- a property of a stand-in that stretches colour channels, not of a real restorer. The stand-ins
 * cannot decide it honestly, so the default follows the publishers' practice: GFPGAN is trained on colour FFHQ
 * with gray inputs 1 % of the time and colour targets (TencentARC/GFPGAN options/train_gfpgan_v1.yml: gray_prob
 * 0.01, "If you do not want colorization ... gt_gray: True"), i.e. a restorer given a gray face invents colours of
 * its own (which a gray photo must then drop), given a colourised face it works in its training distribution; and
 * issue 16 asks for colourise-then-restore. `--colorize-after` stays available.
 */
const unit = z.number().min(0).max(1)
const absPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0') && isAbsolute(p), 'an absolute path')

export const repairStepSchema = z.strictObject({
  op: z.literal('repair'),
  method: z.enum(REPAIR_METHODS),
  algorithm: z.enum(['telea', 'ns']).optional(),
  sensitivity: unit,
  /** A mask file (single photo only); absent = detect the damage automatically. */
  mask: absPath.optional(),
  maskFit: z.enum(['exact', 'stretch']).optional(),
  /** Repair even when the mask covers more than 60 % of the photo. */
  force: z.boolean().optional(),
  /** lama: a LaMa ONNX file instead of the installed lama-2025jan. */
  modelFile: absPath.optional()
})

const colorizerNames = Object.keys(COLORIZER_MODELS) as [
  keyof typeof COLORIZER_MODELS,
  ...(keyof typeof COLORIZER_MODELS)[]
]

export const colorStepSchema = z.strictObject({
  op: z.literal('color'),
  fade: z.enum(['auto', 'none']),
  keepTone: z.boolean().optional(),
  strength: unit.optional(),
  colorize: z.enum(['none', ...colorizerNames]).optional(),
  colorizerFile: z.strictObject({ file: absPath, family: z.enum(['ddcolor', 'deoldify']) }).optional(),
  renderSize: z
    .number()
    .int()
    .refine((s) => (RENDER_SIZES as readonly number[]).includes(s), `one of ${RENDER_SIZES.join(', ')}`)
    .optional(),
  blend: unit.optional(),
  /** Colourise a photo that is already in colour. */
  force: z.boolean().optional()
})

export const restoreStepSchema = z.strictObject({ op: z.literal('restore') })

const stepSchema = z.discriminatedUnion('op', [repairStepSchema, colorStepSchema, restoreStepSchema])

export type RepairStep = z.infer<typeof repairStepSchema>
export type ColorStep = z.infer<typeof colorStepSchema>
export type RecipeStep = z.infer<typeof stepSchema>

/** Rules of a recipe's order: one restore step; repair only before it (restorers see a clean face). */
function checkOrder(steps: readonly RecipeStep[], ctx: z.RefinementCtx): void {
  const at = steps.findIndex((s) => s.op === 'restore')
  if (at < 0 || steps.filter((s) => s.op === 'restore').length !== 1)
    ctx.addIssue({ code: 'custom', message: 'a recipe has exactly one restore step' })
  if (steps.some((s, i) => s.op === 'repair' && i > at))
    ctx.addIssue({ code: 'custom', message: 'repair runs before face restoration' })
  if (steps.some((s) => s.op === 'repair' && s.modelFile !== undefined && s.method !== 'lama'))
    ctx.addIssue({ code: 'custom', message: 'a repair model file is a LaMa model (method lama)' })
  if (steps.filter((s) => s.op === 'repair').length > 1)
    ctx.addIssue({ code: 'custom', message: 'a recipe repairs once' })
}

export const recipeStepsSchema = z.array(stepSchema).min(1).max(6).superRefine(checkOrder)

/** Queued jobs: the same steps, but models by id and no per-photo mask file (one mask fits one photo). */
export const queueRecipeStepsSchema = recipeStepsSchema.superRefine((steps, ctx) => {
  for (const s of steps) {
    if (s.op === 'repair' && s.mask !== undefined)
      ctx.addIssue({ code: 'custom', message: 'a queued repair step detects its mask (no mask file)' })
    if (s.op === 'repair' && s.modelFile !== undefined)
      ctx.addIssue({ code: 'custom', message: 'a queued repair step names LaMa by id' })
    if (s.op === 'color' && s.colorizerFile !== undefined)
      ctx.addIssue({ code: 'custom', message: 'a queued colour step names its colouriser by id' })
  }
})

/** The recipe's steps before and after face restoration. */
export function splitAtRestore(steps: readonly RecipeStep[]): {
  before: (RepairStep | ColorStep)[]
  after: ColorStep[]
} {
  const at = steps.findIndex((s) => s.op === 'restore')
  return {
    before: steps.slice(0, at).filter((s): s is RepairStep | ColorStep => s.op !== 'restore'),
    after: steps.slice(at + 1).filter((s): s is ColorStep => s.op === 'color')
  }
}

/** Parses steps given by a caller (CLI, IPC, queue) with the same strictness as a job: anything else is refused. */
export function parseRecipeSteps(raw: unknown): RecipeStep[] {
  const r = recipeStepsSchema.safeParse(raw)
  if (!r.success) {
    const first = r.error.issues[0]
    throw new HeirloomError(
      'INVALID_REQUEST',
      `Malformed recipe: ${first?.path.join('.') || '(steps)'}: ${first?.message ?? 'invalid'}.`
    )
  }
  return r.data
}
