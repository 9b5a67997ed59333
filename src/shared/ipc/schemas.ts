import { z } from 'zod'
import type { InvokeChannel } from './channel-names'
import { PROVIDER_PREFERENCES } from '../defaults'

/** Opaque ids minted by main; the renderer never names a file path to read. */
const photoId = z.string().regex(/^p[0-9a-f]{16}$/)

/** Absolute path as produced by the OS (the preload's webUtils.getPathForFile). */
const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains NUL')

/** Main's token for one dropped item (DropRegistry). */
const dropToken = z.string().regex(/^d[0-9a-f]{32}$/)
const jobId = z.string().regex(/^j[0-9a-z]{6,32}$/)
const modelId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/)
const layerId = z.string().regex(/^l[0-9]{1,9}$/)
const unit = z.number().min(0).max(1)
const finite = z.number().finite()
const faceChoice = z.union([z.literal('all'), z.array(z.number().int().min(0).max(9999)).min(1).max(1000)])
const box = z.tuple([finite, finite, z.number().positive().max(1e6), z.number().positive().max(1e6)])

/**
 * One validator per invoke channel, and the source of the request types: RequestOf<C> (./channels) and the named
 * request types (./types) are z.input / z.infer of these, so a change here reaches every handler and caller at
 * compile time. Objects are strict: unknown keys (including __proto__/constructor pollution attempts) make the
 * request INVALID_REQUEST before any handler runs.
 */
export const requestSchemas = {
  appInfo: z.undefined(),
  openPhotoDialog: z.undefined(),
  registerDrops: z.strictObject({ paths: z.array(filePath).min(1).max(1000) }),
  openDroppedPhoto: z.strictObject({ token: dropToken }),
  getPreview: z.strictObject({
    photoId,
    variant: z.enum(['original', 'edited']),
    /** Longest side of the preview in pixels; the full image when omitted (capped by main). */
    maxSide: z.number().int().min(16).max(16384).optional()
  }),
  getRegion: z.strictObject({
    photoId,
    variant: z.enum(['original', 'edited']),
    /** [x, y, w, h] in photo pixels (clipped to the photo; at most REGION_MAX_SIDE per side). */
    rect: z.tuple([
      z.number().finite().min(0),
      z.number().finite().min(0),
      z.number().positive().max(1e6),
      z.number().positive().max(1e6)
    ])
  }),
  listFaces: z.strictObject({ photoId }),
  detectFaces: z.strictObject({
    photoId,
    detector: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/)
      .optional(),
    minScore: z.number().min(0).max(1).optional()
  }),
  closePhoto: z.strictObject({ photoId }),
  openRecent: z.strictObject({ index: z.number().int().min(0).max(49) }),
  getEditState: z.strictObject({ photoId }),
  addFaceBox: z.strictObject({ photoId, box }),
  deleteFace: z.strictObject({ photoId, index: z.number().int().min(0).max(9999) }),
  restoreFaces: z.strictObject({
    photoId,
    /** Minted by the renderer so it can cancel before the call returns. */
    jobId,
    faces: faceChoice,
    model: modelId,
    strength: unit,
    fidelity: unit.optional(),
    /** Whole-photo output scale (1 = same size). */
    outputScale: z.union([z.literal(1), z.literal(2), z.literal(4)]).optional(),
    /** Background upscaler model id, or null for plain Lanczos when scaling. */
    backgroundUpscaler: modelId.nullable().optional(),
    /** Keep identity: lower the blend until the face is still the same person (SFace similarity >= 0.363). */
    keepIdentity: z.boolean().optional(),
    /** Paste-back: the box, or only the face's skin and features (face parser). */
    paste: z.enum(['box', 'regions']).optional()
  }),
  ageFaces: z.strictObject({
    photoId,
    jobId,
    faces: faceChoice,
    route: z.enum(['latent', 'sam', 'styleganex']),
    model: modelId.optional(),
    /** Years to add (positive) or remove (negative). */
    years: z.number().int().min(-40).max(40),
    /** Target age instead of a change in years. */
    targetAge: z.number().int().min(1).max(100).optional(),
    /** The person's age in the photo, for routes that edit by a change in years (with targetAge). */
    currentAge: z.number().int().min(0).max(100).optional(),
    strength: unit,
    restoreAfter: z.boolean(),
    restoreModel: modelId.optional(),
    /** Strength of the restore after aging (the Restore section's); the age strength when absent. */
    restoreStrength: unit.optional()
  }),
  listAgeRoutes: z.undefined(),
  setLayerStrength: z.strictObject({ photoId, layerIds: z.array(layerId).min(1).max(1000), strength: unit }),
  setLayerEnabled: z.strictObject({ photoId, layerId, enabled: z.boolean() }),
  undo: z.strictObject({ photoId }),
  redo: z.strictObject({ photoId }),
  gotoStep: z.strictObject({ photoId, index: z.number().int().min(0).max(100000) }),
  cancelJob: z.strictObject({ jobId }),
  exportPhoto: z.strictObject({
    photoId,
    format: z.enum(['png', 'jpeg', 'tiff', 'webp']),
    quality: z.number().int().min(1).max(100),
    /** Resize factor applied at export (1 = composed size). */
    scale: z.number().min(0.05).max(8),
    keepMetadata: z.boolean(),
    provenance: z.boolean(),
    /** Writes the original and the edited photo side by side in one image. */
    beforeAfterSheet: z.boolean(),
    /** Only this rectangle (image pixels of the photo). */
    crop: box.optional()
  }),
  listModels: z.undefined(),
  downloadModel: z.strictObject({ id: modelId, jobId, acceptLicense: z.boolean() }),
  importModel: z.strictObject({ id: modelId }),
  verifyModel: z.strictObject({ id: modelId }),
  inspectModel: z.strictObject({ id: modelId }),
  removeModel: z.strictObject({ id: modelId }),
  chooseBatchInput: z.strictObject({ recursive: z.boolean() }),
  openDroppedFolder: z.strictObject({ token: dropToken, recursive: z.boolean() }),
  chooseOutputFolder: z.undefined(),
  runBatch: z.strictObject({
    jobId,
    recursive: z.boolean(),
    operation: z.enum(['restore', 'detect-crop', 'age', 'repair', 'color']),
    model: modelId.optional(),
    strength: unit,
    fidelity: unit.optional(),
    format: z.enum(['same', 'png', 'jpeg']),
    aspect: z.enum(['1:1', '4:5', '3:4', 'passport']).optional(),
    age: z
      .strictObject({
        route: z.enum(['latent', 'sam', 'styleganex']),
        model: modelId.optional(),
        years: z.number().int().min(-40).max(40),
        targetAge: z.number().int().min(1).max(100).optional(),
        currentAge: z.number().int().min(0).max(100).optional(),
        restoreAfter: z.boolean()
      })
      .optional(),
    /** operation 'repair': the automatic damage mask per photo, inpainted with this method. */
    repair: z.strictObject({ method: z.enum(['classic', 'lama']), sensitivity: unit }).optional(),
    /** operation 'color': the colour operation's params (the worker checks them again with its own schema). */
    color: z
      .strictObject({
        fade: z.enum(['auto', 'none']),
        keepTone: z.boolean().optional(),
        strength: unit.optional(),
        colorize: z.union([z.literal('none'), modelId]),
        renderSize: z.union([z.literal(192), z.literal(256), z.literal(384), z.literal(512)]).optional(),
        blend: unit.optional(),
        force: z.boolean().optional()
      })
      .optional(),
    resume: z.boolean().optional()
  }),
  pauseBatch: z.strictObject({ jobId, paused: z.boolean() }),
  openOutputFolder: z.undefined(),
  getSettings: z.undefined(),
  updateSettings: z.strictObject({
    provider: z.enum(PROVIDER_PREFERENCES).optional(),
    theme: z.enum(['system', 'light', 'dark']).optional(),
    defaultRestorer: modelId.optional(),
    defaultUpscaler: modelId.optional(),
    contentCredentials: z.boolean().optional(),
    ownerName: z.string().max(64).optional()
  }),
  getCredentials: z.strictObject({ photoId }),
  watchQueue: z.strictObject({
    redisUrl: z
      .string()
      .max(2048)
      .regex(/^rediss?:\/\/[^\s]+$/),
    queue: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/)
  }),
  applyOperation: z.strictObject({
    photoId,
    jobId,
    op: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
    faces: faceChoice.optional(),
    strength: unit.optional(),
    // Checked in the worker against the operation's own schema (strict objects there too).
    params: z.unknown()
  }),
  /** Damage detection on the photo as edited so far (the current base), for the mask editor. */
  detectDamage: z.strictObject({ photoId, sensitivity: unit }),
  /** The mask of the repair step at the history cursor. */
  repairMask: z.strictObject({ photoId })
} satisfies Record<InvokeChannel, z.ZodType>

export type RequestSchemas = typeof requestSchemas
