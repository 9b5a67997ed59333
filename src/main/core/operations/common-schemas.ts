/**
 * Zod validators of the plain data operations and worker requests carry (faces, face choices, model choices, age
 * amounts, detector options). Each is checked against the TypeScript type the core already uses (`z.ZodType<T>`),
 * so the two cannot drift apart.
 */
import { z } from 'zod'
import type { Face } from '../../../shared/faces'
import type { FaceChoice } from '../pipeline/face-selection'
import type { RestoreModelChoice } from '../pipeline/restore-deps'
import type { AgeAmount } from '../stages/age/calibration'
import type { AgeModelChoice, ModelSlot } from '../stages/age/models'
import type { DetectOptions } from '../stages/detect'
import type { PasteMask } from '../warp/paste'
import type { PasteRegions } from '../pipeline/face-helpers'

export const finite = z.number().finite()
export const unit = z.number().min(0).max(1)
/** A model id or a file path (ids are checked against the store when opened). */
export const modelName = z.string().min(1).max(4096)

export const faceChoiceSchema: z.ZodType<FaceChoice> = z.union([
  z.literal('all'),
  z.array(z.number().int().min(0).max(9999)).max(1000)
])

export const pasteMaskSchema: z.ZodType<PasteMask> = z.enum(['facexlib', 'feather'])

/** Paste-back: the soft box alone, or the box limited to the face's skin and features (face parser). */
export const pasteRegionsSchema: z.ZodType<PasteRegions> = z.enum(['box', 'regions'])
/** Keep identity: the SFace cosine similarity the re-blend must reach (0.363 = OpenCV's same-person threshold). */
export const minIdentitySchema = unit

const point = z.tuple([finite, finite])
export const faceSchema: z.ZodType<Face> = z.strictObject({
  box: z.tuple([finite, finite, finite, finite]),
  score: finite,
  landmarks: z.tuple([point, point, point, point, point]),
  source: z.enum(['detector', 'user']).optional()
})

/** Detector options as plain data, with the detector / landmark model named by manifest id. */
export type DetectParams = Omit<DetectOptions, 'signal'> & { detector?: string; landmarkModel?: string }

export const detectOptionsSchema: z.ZodType<DetectParams> = z.strictObject({
  minScore: unit.optional(),
  nmsIou: unit.optional(),
  maxSide: z.number().int().positive().optional(),
  tiled: z.enum(['auto', 'always', 'never']).optional(),
  tryRotations: z.boolean().optional(),
  verify: z.enum(['auto', 'always', 'never']).optional(),
  minFaceConfidence: unit.optional(),
  minEyeDistance: z.number().min(0).optional(),
  select: z.enum(['all', 'largest', 'center']).optional(),
  detector: modelName.optional(),
  landmarkModel: modelName.optional()
})

export const restoreChoiceSchema: z.ZodType<RestoreModelChoice> = z.strictObject({
  model: modelName.optional(),
  modelFile: modelName.optional(),
  modelKind: z.enum(['gfpgan', 'codeformer', 'gpen', 'restoreformer']).optional(),
  bgUpscaler: modelName.optional(),
  bgTile: z.number().int().positive().optional(),
  detect: detectOptionsSchema.optional()
})

const slot: z.ZodType<ModelSlot> = z.union([z.strictObject({ id: modelName }), z.strictObject({ file: modelName })])

export const ageChoiceSchema: z.ZodType<AgeModelChoice> = z.strictObject({
  model: modelName.optional(),
  encoder: slot.optional(),
  generator: slot.optional(),
  direction: slot.optional(),
  averageLatent: slot.optional(),
  pretrainedEncoder: slot.optional(),
  encoderOutputs: z.enum(['offsets', 'absolute']).optional(),
  ageModelFile: modelName.optional(),
  ageModelKind: z.enum(['styleganex', 'sam']).optional(),
  directionSign: z.union([z.literal(1), z.literal(-1)]).optional(),
  latentPerYear: finite.optional(),
  layers: z.tuple([z.number().int(), z.number().int()]).optional()
})

export const ageAmountSchema: z.ZodType<AgeAmount> = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('delta'),
    years: finite,
    currentAge: finite.optional(),
    calibratedOnly: z.boolean().optional()
  }),
  z.strictObject({
    kind: z.literal('target'),
    age: finite,
    currentAge: finite.optional(),
    calibratedOnly: z.boolean().optional()
  }),
  z.strictObject({ kind: z.literal('factor'), k: finite, olderPositive: z.boolean().optional() })
])
