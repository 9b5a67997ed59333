import { mkdir } from 'node:fs/promises'
import { dirname, extname } from 'node:path'
import { z } from 'zod'
import type { Engine } from '../../engine'
import type { ProgressSink } from '../../pipeline/progress'
import { HeirloomError } from '../../errors'
import { decodePhoto } from '../../image/decode'
import { savePhoto } from '../../image/write'
import { freeOutputPath } from '../../io/free-output-path'
import { plainCrop } from '../../stages/crop/plain'
import { DEFAULT_DETECTOR, detectFaces } from '../../stages/detect'
import { faceStepLabel } from '../labels'
import { defineFileJob, defineOperation } from '../types'

export const cropParams = z.strictObject({ aspect: z.enum(['1:1', '4:5', '3:4', 'passport']) })
export type CropOpParams = z.infer<typeof cropParams>

export interface CropFileTarget {
  /** The batch's input folder (the output keeps the input's folder below it) and output folder. */
  inDir: string
  outDir: string
  /** Output extension with its dot. */
  ext: string
}

/** Batch "detect and crop": every face of `input` saved as its own file in outDir (names never reused). */
async function cropFaces(
  engine: Engine,
  input: string,
  target: CropFileTarget,
  params: CropOpParams,
  opts: { signal?: AbortSignal; onProgress?: ProgressSink } = {}
): Promise<{ faces: number; outputs: string[] }> {
  opts.onProgress?.({ stage: 'decode' })
  const photo = await decodePhoto(input)
  opts.onProgress?.({ stage: 'detect' })
  const found = await detectFaces(engine, photo.image, { signal: opts.signal })
  if (found.faces.length === 0) throw new HeirloomError('NO_FACE', 'No face was found in the photo.')
  const outputs: string[] = []
  for (let i = 0; i < found.faces.length; i++) {
    const crop = plainCrop(photo.image, found.faces[i].box, { aspect: params.aspect })
    const out = await freeOutputPath(target.inDir, target.outDir, input, `-face${i + 1}`, target.ext)
    await mkdir(dirname(out), { recursive: true })
    await savePhoto(out, crop.image, {
      metadata: photo.metadata,
      grayscale: photo.grayscale,
      provenance: { software: 'Heirloom', operations: [{ op: 'crop', params: { aspect: params.aspect, face: i } }] },
      protectedPaths: [input],
      inputRoots: [target.inDir]
    })
    outputs.push(out)
  }
  return { faces: found.faces.length, outputs }
}

/**
 * The crop file job: `io.output` stands for the photo (its extension is the faces' format); each face is its own
 * file named after the photo, in the mirror of `io.inputDir` under `io.outputDir` (the output's folder without them).
 */
const cropFileJob = defineFileJob({
  params: cropParams,
  run: (engine, io, params, ctx) =>
    cropFaces(
      engine,
      io.input,
      { inDir: io.inputDir ?? dirname(io.input), outDir: io.outputDir ?? dirname(io.output), ext: extname(io.output) },
      params,
      ctx
    ),
  summary: (r: { faces: number; outputs: string[] }) => r
})

/** Plain face crops (no model beyond the detector): one file per face; not an edit of an open photo. */
export const crop = defineOperation({
  id: 'crop',
  kind: 'face',
  params: cropParams,
  models: () => [DEFAULT_DETECTOR],
  fileJob: cropFileJob,
  label: faceStepLabel
})
