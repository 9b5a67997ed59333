import { z } from 'zod'
import type { InvokeChannel } from './channels'

/** Opaque ids minted by main; the renderer never names a file path to read. */
const photoId = z.string().regex(/^p[0-9a-f]{16}$/)

/** Absolute path as produced by the OS (the preload's webUtils.getPathForFile). */
const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains NUL')

/**
 * One validator per invoke channel. Objects are strict: unknown keys (including __proto__/constructor
 * pollution attempts) make the request INVALID_REQUEST before any handler runs.
 */
export const requestSchemas = {
  appInfo: z.undefined(),
  openPhotoDialog: z.undefined(),
  openDroppedPhoto: z.strictObject({ path: filePath }),
  getPreview: z.strictObject({
    photoId,
    variant: z.enum(['original', 'edited']),
    maxSide: z.number().int().min(16).max(16384).optional()
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
  closePhoto: z.strictObject({ photoId })
} satisfies Record<InvokeChannel, z.ZodType>
