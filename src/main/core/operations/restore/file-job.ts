import { z } from 'zod'
import { openRestoreDeps } from '../../pipeline/restore-deps'
import { restoreFile } from '../../pipeline/restore-photo'
import type { RestoreReport } from '../../pipeline/restore-types'
import { recipeStepsSchema } from '../../pipeline/recipe-steps'
import {
  faceChoiceSchema,
  faceSchema,
  minIdentitySchema,
  pasteMaskSchema,
  pasteRegionsSchema,
  restoreChoiceSchema,
  unit
} from '../common-schemas'
import { defineFileJob, type FileFaceIdentity } from '../types'

/** Options of a restore of one whole file (the CLI's flags, a batch's settings). */
export const restoreJobOptionsSchema = z.strictObject({
  faces: faceChoiceSchema.optional(),
  faceList: z.array(faceSchema).optional(),
  strength: unit.optional(),
  fidelity: unit.optional(),
  colorTransfer: z.boolean().optional(),
  mask: pasteMaskSchema.optional(),
  upscale: z.number().int().min(1).max(8).optional(),
  /** Paste-back box or face regions (default regions when a face parser is installed). */
  paste: pasteRegionsSchema.optional(),
  /** Keep identity: re-blend until the SFace similarity reaches this. */
  minIdentity: minIdentitySchema.optional()
})

/** Params of the restore file job: which restorer, and the options (with a recipe around the restore step). */
export const restoreFileParams = z.strictObject({
  choice: restoreChoiceSchema,
  options: restoreJobOptionsSchema.extend({
    /** A recipe around the restore step (repair and colour first, colourise after). */
    steps: recipeStepsSchema.optional()
  })
})

/** Per restored face, what the identity helper measured (for the batch report). */
export function restoreIdentity(r: RestoreReport): FileFaceIdentity[] {
  return r.faces.flatMap((f) =>
    f.identity
      ? [
          {
            face: f.index,
            similarity: f.identity.similarity,
            samePerson: f.identity.samePerson,
            ...(f.identity.keep ? { strength: f.identity.keep.toStrength, reached: f.identity.keep.reached } : {})
          }
        ]
      : []
  )
}

/** `heirloom restore` on one file: decode -> detect -> restore -> (upscale) -> export. */
export const restoreFileJob = defineFileJob({
  params: restoreFileParams,
  async run(engine, io, { choice, options }, ctx) {
    const opts = {
      ...options,
      overwrite: io.overwrite,
      inputRoots: io.inputRoots,
      format: io.format,
      quality: io.quality,
      signal: ctx.signal,
      onProgress: ctx.onProgress
    }
    return restoreFile(await openRestoreDeps(engine, choice, opts), io.input, io.output, opts)
  },
  summary: (r: RestoreReport) => {
    const identity = restoreIdentity(r)
    return { faces: r.faces.filter((f) => f.restored).length, ...(identity.length > 0 ? { identity } : {}) }
  }
})
