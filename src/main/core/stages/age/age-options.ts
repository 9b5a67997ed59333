import { z } from 'zod'
import { HeirloomError } from '../../errors'
import type { ManifestEntry } from '../../../../shared/model-manifest'
import type { AgeCalibration } from './calibration'

/**
 * Age-related manifest `options`, validated here because the shared schema keeps options free-form.
 * - direction entries: latentPerYear, directionSign, layers
 * - encoder entries: encoderOutputs ('offsets' adds the average latent), averageLatent (id or file beside it),
 *   generator / direction (ids to pair with by default), pretrainedEncoder (SAM: the pSp encoder to add)
 * - StyleGANEX entries: latentPerYear, directionSign
 * - mapping entries: averageLatent, truncation
 * - SAM encoder: companions (ids of the pSp encoder, decoder and average latent); .npy entries: role 'latent-avg'
 * Unknown keys are ignored (the manifest also carries UI hints such as sliderMax).
 */
const ageOptionsSchema = z.object({
  latentPerYear: z.number().positive().optional(),
  /** latentPerYear was measured (e.g. with an age estimator over many faces), not guessed. */
  calibrated: z.boolean().optional(),
  directionSign: z.union([z.literal(1), z.literal(-1)]).optional(),
  layers: z.union([z.string(), z.number().int(), z.tuple([z.number().int(), z.number().int()])]).optional(),
  encoderOutputs: z.enum(['offsets', 'absolute']).optional(),
  averageLatent: z.string().min(1).optional(),
  generator: z.string().min(1).optional(),
  direction: z.string().min(1).optional(),
  pretrainedEncoder: z.string().min(1).optional(),
  truncation: z.number().min(0).max(1).optional(),
  /** Largest usable |k| (direction files) or |direction| (StyleGANEX: directionMax). */
  maxFactor: z.number().positive().optional(),
  directionMax: z.number().positive().optional(),
  /** Manifest ids a model is used with (SAM: pretrained encoder, decoder, average latent). */
  companions: z.array(z.string()).optional(),
  /** 'latent-avg' marks an .npy that is an average latent rather than a direction. */
  role: z.string().optional()
})
export type AgeModelOptions = z.infer<typeof ageOptionsSchema>

export function ageOptionsOf(entry: Pick<ManifestEntry, 'id' | 'options'>): AgeModelOptions {
  const parsed = ageOptionsSchema.safeParse(entry.options ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new HeirloomError(
      'MODEL_INVALID',
      `Model "${entry.id}" has invalid age options: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}.`
    )
  }
  return parsed.data
}

export function calibrationOf(options: AgeModelOptions, defaults: AgeCalibration): AgeCalibration {
  const maxFactor = options.maxFactor ?? options.directionMax ?? defaults.maxFactor
  return {
    latentPerYear: options.latentPerYear ?? defaults.latentPerYear,
    ...(options.calibrated === true && options.latentPerYear !== undefined ? { calibrated: true } : {}),
    directionSign: options.directionSign ?? defaults.directionSign,
    ...(maxFactor === undefined ? {} : { maxFactor })
  }
}
