import { isAbsolute } from 'node:path'
import { z } from 'zod'
import { queueRecipeStepsSchema } from '../pipeline/recipe-steps'

const modelId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/)
const absPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0') && isAbsolute(p), 'an absolute path')
/** A path below a root: '/' separators, no '..', '.' or empty segment, not absolute. */
const relPath = z
  .string()
  .min(1)
  .max(4096)
  .refine(
    (p) =>
      !p.includes('\0') &&
      !p.includes('\\') &&
      !p.startsWith('/') &&
      p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'),
    'a relative path inside the folder'
  )
const unit = z.number().min(0).max(1)

const detectSchema = z.strictObject({
  detector: modelId.optional(),
  minScore: unit.optional(),
  maxSide: z.number().int().min(64).max(16384).optional(),
  tiled: z.enum(['auto', 'always', 'never']).optional(),
  tryRotations: z.boolean().optional(),
  verify: z.enum(['auto', 'always', 'never']).optional(),
  minEyeDistance: z.number().min(0).max(100000).optional(),
  select: z.enum(['all', 'largest', 'center']).optional()
})

/**
 * One queued photo. Workers on other machines run what this says, so it is validated there like an IPC request:
 * a malformed job fails, it never runs. Paths are the shared storage's, the same on every worker.
 */
export const queueJobSchema = z.strictObject({
  version: z.literal(1),
  operation: z.literal('restore'),
  inputRoot: absPath,
  outputRoot: absPath,
  file: relPath,
  choice: z.strictObject({
    model: modelId.optional(),
    bgUpscaler: modelId.optional(),
    bgTile: z.number().int().min(32).max(4096).optional(),
    detect: detectSchema.optional()
  }),
  options: z.strictObject({
    faces: z.union([z.literal('all'), z.array(z.number().int().min(0).max(9999)).min(1).max(1000)]),
    strength: unit,
    fidelity: unit,
    upscale: z.union([z.literal(1), z.literal(2), z.literal(4)]),
    colorTransfer: z.boolean(),
    overwrite: z.boolean(),
    /** Paste-back box or face regions; absent: regions when the worker has a face parser. */
    paste: z.enum(['box', 'regions']).optional(),
    /** Keep identity (SFace similarity minimum). */
    minIdentity: unit.optional()
  }),
  /** A recipe around restore (repair and colour first, colourise after), in order; absent: restore only. */
  steps: queueRecipeStepsSchema.optional(),
  /** Models the job needs, with the sha256 the enqueuing machine had (null: any copy of that model will do). */
  models: z
    .array(
      z.strictObject({
        id: modelId,
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .nullable()
      })
    )
    .max(16)
})

export type QueueJobData = z.infer<typeof queueJobSchema>

/** What a finished job records (the same row shape as a local batch report's files). */
export const queueJobResultSchema = z.strictObject({
  file: z.string(),
  status: z.enum(['ok', 'no-face', 'skipped']),
  output: z.string().optional(),
  faces: z.number().int().min(0).optional(),
  note: z.string().optional(),
  /** Per restored face: SFace similarity (the batch report's `identity`), when the worker has the helper. */
  identity: z
    .array(
      z.strictObject({
        face: z.number().int().min(0),
        similarity: z.number().min(-1).max(1),
        samePerson: z.boolean(),
        strength: unit.optional(),
        reached: z.boolean().optional()
      })
    )
    .max(1000)
    .optional(),
  worker: z.string()
})

export type QueueJobResult = z.infer<typeof queueJobResultSchema>
