import { z } from 'zod'
import { ageFile, type AgeReport } from '../../stages/age/age-photo'
import {
  ageAmountSchema,
  ageChoiceSchema,
  detectOptionsSchema,
  faceChoiceSchema,
  faceSchema,
  pasteMaskSchema,
  restoreChoiceSchema,
  unit
} from '../common-schemas'
import { defineFileJob } from '../types'
import { openAgeJobDeps } from './age-job'

/** Options of an age of one whole file (how much, which faces, how pasted). */
export const ageJobOptionsSchema = z.strictObject({
  amount: ageAmountSchema,
  faces: faceChoiceSchema.optional(),
  faceList: z.array(faceSchema).optional(),
  strength: unit.optional(),
  restoreStrength: unit.optional(),
  mask: pasteMaskSchema.optional()
})

/** Params of the age file job: the models (route, optional restorer after, detector) and the options. */
export const ageFileParams = z.strictObject({
  spec: z.strictObject({
    choice: ageChoiceSchema,
    restoreAfter: restoreChoiceSchema.optional(),
    detect: detectOptionsSchema.optional()
  }),
  options: ageJobOptionsSchema
})

/** `heirloom age` on one file: decode -> detect -> age (-> restore) -> export. */
export const ageFileJob = defineFileJob({
  params: ageFileParams,
  async run(engine, io, { spec, options }, ctx) {
    return ageFile(await openAgeJobDeps(engine, spec), io.input, io.output, {
      ...options,
      overwrite: io.overwrite,
      inputRoots: io.inputRoots,
      format: io.format,
      quality: io.quality,
      signal: ctx.signal,
      onProgress: ctx.onProgress
    })
  },
  summary: (r: AgeReport) => {
    const identity = r.faces.flatMap((f) =>
      f.identity ? [{ face: f.index, similarity: f.identity.similarity, samePerson: f.identity.samePerson }] : []
    )
    return { faces: r.faces.filter((f) => f.aged).length, ...(identity.length > 0 ? { identity } : {}) }
  }
})
