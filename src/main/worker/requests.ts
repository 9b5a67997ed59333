/**
 * Validators of every worker request's payload: the worker checks each message against these at its boundary
 * (a malformed message gets INVALID_REQUEST, never a crash), and the payload types are z.infer of them.
 */
import { z } from 'zod'
import {
  ageAmountSchema,
  ageChoiceSchema,
  detectOptionsSchema,
  faceChoiceSchema,
  faceSchema,
  finite,
  modelName,
  pasteMaskSchema,
  restoreChoiceSchema,
  unit
} from '../core/operations/common-schemas'
import { ageJobOptionsSchema } from '../core/operations/age/file-job'
import { colorFileParams } from '../core/operations/color/file-job'
import { restoreFileParams, restoreJobOptionsSchema } from '../core/operations/restore/file-job'

const sessionId = z.string().min(1).max(200)
const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains NUL')
const box = z.tuple([finite, finite, finite, finite])
const rect = z.tuple([finite, finite, finite, finite])
const format = z.enum(['png', 'jpeg', 'tiff', 'webp'])
const provider = z.enum(['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'])
const variant = z.enum(['original', 'edited'])
const credentials = z.strictObject({ enabled: z.boolean(), dir: filePath, owner: z.string().optional() })

/** Options every whole-file job takes for its output. */
const fileOutput = {
  overwrite: z.boolean().optional(),
  format: format.optional(),
  quality: z.number().int().min(1).max(100).optional(),
  /** Folders the output must not be inside (a batch's input folder). */
  inputRoots: z.array(filePath).optional()
}

export { restoreJobOptionsSchema }

export const workerRequestSchemas = {
  /**
   * Any registry operation's whole-file job (batch, CLI): `params` are checked with that operation's file-job
   * schema. `output` stands for the photo's result (crop writes one file per face beside it, under outputDir).
   */
  runFileJob: z.strictObject({
    op: z.string().min(1).max(64),
    input: filePath,
    output: filePath,
    inputDir: filePath.optional(),
    outputDir: filePath.optional(),
    ...fileOutput,
    params: z.unknown()
  }),
  /** Alias of runFileJob 'restore' with the restore report (the CLI's `restore`). */
  restoreFile: z.strictObject({
    input: filePath,
    output: filePath,
    choice: restoreChoiceSchema,
    options: restoreFileParams.shape.options.extend(fileOutput)
  }),
  /** Alias of runFileJob 'age' with the age report (the CLI's `age`). */
  ageFile: z.strictObject({
    input: filePath,
    output: filePath,
    spec: z.strictObject({
      choice: ageChoiceSchema,
      restoreAfter: restoreChoiceSchema.optional(),
      detect: detectOptionsSchema.optional()
    }),
    options: ageJobOptionsSchema.extend(fileOutput)
  }),
  open: z.strictObject({ input: filePath, faces: z.array(faceSchema).optional() }),
  detect: z.strictObject({ sessionId, detect: detectOptionsSchema.optional() }),
  info: z.strictObject({ sessionId }),
  setFaces: z.strictObject({ sessionId, faces: z.array(faceSchema) }),
  addFaceBox: z.strictObject({ sessionId, box, detector: modelName.optional() }),
  removeFace: z.strictObject({ sessionId, index: z.number().int().min(0) }),
  /** Any registry operation on an open photo; `params` are checked with that operation's own schema. */
  applyOperation: z.strictObject({
    sessionId,
    op: z.string().min(1).max(64),
    faces: faceChoiceSchema.optional(),
    strength: unit.optional(),
    mask: pasteMaskSchema.optional(),
    params: z.unknown()
  }),
  /** Alias of applyOperation 'restore' in the restore file job's terms (choice + options). */
  restoreFaces: z.strictObject({
    sessionId,
    choice: restoreChoiceSchema,
    options: restoreJobOptionsSchema.omit({ faceList: true, upscale: true }),
    /** Output scale to set after the faces (its background is choice.bgUpscaler, else Lanczos). */
    outputScale: z.number().int().min(1).max(8).optional()
  }),
  /** Alias of applyOperation 'age' (openAgeModels + ageOperation, optionally followed by a restore of the faces). */
  ageFaces: z.strictObject({
    sessionId,
    choice: ageChoiceSchema,
    amount: ageAmountSchema,
    options: z.strictObject({
      faces: faceChoiceSchema.optional(),
      strength: unit.optional(),
      mask: pasteMaskSchema.optional()
    }),
    restoreAfter: z.strictObject({ choice: restoreChoiceSchema, strength: unit.optional() }).optional()
  }),
  /** Damage detection on the session's current base (its faces protected), for the editor's mask. */
  detectDamage: z.strictObject({ sessionId, sensitivity: unit }),
  /** The mask of the repair step at the history cursor (null when that step is no repair). */
  repairMask: z.strictObject({ sessionId }),
  setLayers: z.strictObject({
    sessionId,
    layerIds: z.array(z.string().min(1).max(64)),
    strength: unit.optional(),
    enabled: z.boolean().optional()
  }),
  undo: z.strictObject({ sessionId }),
  redo: z.strictObject({ sessionId }),
  gotoStep: z.strictObject({ sessionId, index: z.number().int() }),
  compose: z.strictObject({
    sessionId,
    scale: z.number().int().optional(),
    bgUpscaler: modelName.optional()
  }),
  preview: z.strictObject({ sessionId, variant, maxSide: z.number().int().positive().optional() }),
  region: z.strictObject({ sessionId, variant, rect }),
  export: z.strictObject({
    sessionId,
    output: filePath,
    scale: z.number().int().optional(),
    bgUpscaler: modelName.optional(),
    overwrite: z.boolean().optional(),
    format: format.optional(),
    quality: z.number().int().min(1).max(100).optional(),
    crop: box.optional(),
    beforeAfterSheet: z.boolean().optional(),
    resize: z.number().positive().optional(),
    keepMetadata: z.boolean().optional(),
    provenance: z.boolean().optional(),
    /** Other files never written (every photo open in the app). */
    protectedPaths: z.array(filePath).optional()
  }),
  /** Alias of runFileJob 'color' with the colour report (fade correction and/or colourisation). */
  colorFile: z.strictObject({
    input: filePath,
    output: filePath,
    params: colorFileParams,
    overwrite: z.boolean().optional(),
    quality: z.number().int().min(1).max(100).optional(),
    inputRoots: z.array(filePath).optional()
  }),
  importModel: z.strictObject({ idOrKind: z.string().min(1).max(200), file: filePath }),
  inspectModel: z.strictObject({ idOrFile: z.string().min(1).max(4096) }),
  releaseModel: z.strictObject({ path: filePath }),
  configure: z.strictObject({ provider, credentials: credentials.optional() }),
  readCredentials: z.strictObject({ path: filePath }),
  runtimeInfo: z.strictObject({}),
  close: z.strictObject({ sessionId })
} satisfies Record<string, z.ZodType>

export type RequestType = keyof typeof workerRequestSchemas
export type RequestPayload<K extends RequestType> = z.infer<(typeof workerRequestSchemas)[K]>

/** The same validators, indexed so that a generic request type K gets its own payload type back. */
export const payloadSchemas: { [K in RequestType]: z.ZodType<RequestPayload<K>> } = workerRequestSchemas

const requestType = z.enum(Object.keys(workerRequestSchemas) as [RequestType, ...RequestType[]])

/** The envelope of every message to the worker; the payload is checked per type by its handler's schema. */
export const toWorkerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('request'), id: z.number().int().min(0), type: requestType, payload: z.unknown() }),
  z.strictObject({ kind: z.literal('cancel'), id: z.number().int().min(0) }),
  z.strictObject({ kind: z.literal('shutdown') })
])
export type ToWorker = z.infer<typeof toWorkerSchema>
