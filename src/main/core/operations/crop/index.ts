import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import type { Engine } from '../../engine'
import { HeirloomError } from '../../errors'
import { decodePhoto } from '../../image/decode'
import { savePhoto } from '../../image/write'
import { freeOutputPath } from '../../io/free-output-path'
import type { ProgressSink } from '../../pipeline/progress'
import { plainCrop } from '../../stages/crop/plain'
import { DEFAULT_DETECTOR, detectFaces } from '../../stages/detect'
import { faceStepLabel } from '../labels'
import { defineOperation } from '../types'

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
async function cropFileJob(
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

/** Plain face crops (no model beyond the detector): one file per face; not an edit of an open photo. */
export const crop = defineOperation({
  id: 'crop',
  kind: 'face',
  params: cropParams,
  models: () => [DEFAULT_DETECTOR],
  fileJob: cropFileJob,
  label: faceStepLabel
})
