import { z } from 'zod'

/** What a model file does in the pipeline. */
export const MODEL_KINDS = [
  'detector',
  'landmarks',
  'restorer',
  'upscaler',
  'age-encoder',
  'age-generator',
  'age-direction',
  'age-model',
  'mapping',
  'colorizer',
  'inpainter',
  // Helpers: measure or mask a face, never change it (identity similarity, age estimate, face-region parsing).
  'face-recognizer',
  'age-estimator',
  'face-parser'
] as const
export type ModelKind = (typeof MODEL_KINDS)[number]

/** Which decoder / pre- and post-processing family the file belongs to. */
export const MODEL_FAMILIES = [
  'yunet',
  'scrfd',
  'ultraface',
  'facemesh',
  'gfpgan',
  'codeformer',
  'restoreformer',
  'gpen',
  'realesrgan',
  'e4e',
  'psp',
  'sam',
  'stylegan2',
  'styleganex',
  'npy',
  'ddcolor',
  'deoldify',
  'lama',
  'sface',
  'fairface',
  'bisenet'
] as const
export type ModelFamily = (typeof MODEL_FAMILIES)[number]

export const TEMPLATE_IDS = ['ffhq_512', 'styleganex_384', 'arcface_128', 'arcface_112_v2', 'ffhq_quad'] as const
export type TemplateId = (typeof TEMPLATE_IDS)[number]

const dim = z.union([z.number().int(), z.string()])

export const tensorSpecSchema = z.object({
  name: z.string(),
  /** Fixed dims are numbers; symbolic/dynamic dims are strings (e.g. "H"). */
  dims: z.array(dim),
  dtype: z.enum(['float32', 'float16', 'float64', 'int64', 'int32', 'uint8', 'bool']),
  /** Other element types the consuming stage converts to (e.g. fp16 exports of a float32 contract). */
  altDtypes: z.array(z.enum(['float32', 'float16', 'float64', 'int64', 'int32', 'uint8', 'bool'])).optional(),
  optional: z.boolean().optional()
})
export type TensorSpec = z.infer<typeof tensorSpecSchema>

/**
 * How pixels become the tensor: value = (pixel/255 - mean[c]) / std[c], channels in `channels` order.
 * Output mapping: `outputRange` says what the model emits ([-1,1] -> (y+1)/2*255, [0,1] -> y*255, [0,255] as is).
 */
export const contractSchema = z.object({
  inputs: z.array(tensorSpecSchema).min(1),
  outputs: z.array(tensorSpecSchema).min(1),
  layout: z.enum(['NCHW', 'NHWC']).default('NCHW'),
  channels: z.enum(['RGB', 'BGR']).default('RGB'),
  mean: z.tuple([z.number(), z.number(), z.number()]).default([0, 0, 0]),
  std: z.tuple([z.number(), z.number(), z.number()]).default([1, 1, 1]),
  outputRange: z.enum(['[-1,1]', '[0,1]', '[0,255]']).optional(),
  template: z.enum(TEMPLATE_IDS).optional(),
  /** Side of the square face crop the model takes. */
  cropSize: z.number().int().positive().optional(),
  /** Upscalers: output / input size ratio. */
  scale: z.number().int().positive().optional()
})
export type ModelContract = z.infer<typeof contractSchema>

export const manifestEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  name: z.string(),
  kind: z.enum(MODEL_KINDS),
  family: z.enum(MODEL_FAMILIES),
  file: z.string().regex(/^[A-Za-z0-9._-]+$/),
  /** Size in bytes, when known. */
  size: z.number().int().positive().optional(),
  /** Pinned SHA-256 (lower-case hex). When absent, `publisherHash` is checked and the SHA-256 recorded on download. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  publisherHash: z.object({ algorithm: z.literal('crc32'), url: z.string().url() }).optional(),
  license: z.string(),
  commercialUse: z.boolean(),
  urls: z.array(z.string().url()).min(1),
  description: z.string().optional(),
  default: z.boolean().optional(),
  /** Extra files that must sit beside `file` (external ONNX data). */
  externalData: z.array(z.string()).optional(),
  contract: contractSchema.optional(),
  /** Family-specific options (e.g. latentPerYear, encoderOutputs, directionSign, fidelityInput). */
  options: z.record(z.string(), z.unknown()).optional()
})
export type ManifestEntry = z.infer<typeof manifestEntrySchema>

export const manifestSchema = z.object({
  version: z.literal(1),
  models: z.array(manifestEntrySchema)
})
export type Manifest = z.infer<typeof manifestSchema>
