import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { z } from 'zod'
import type { Face } from '../../../../shared/faces'
import type { Engine } from '../../engine'
import { toAppError } from '../../errors'
import { decodePhoto } from '../../image/decode'
import { formatFromPath } from '../../image/encode'
import type { RgbImage } from '../../image/types'
import { savePhoto } from '../../image/write'
import { writeFileAtomic } from '../../io/write-atomic'
import type { ModelSession } from '../../runtime/types'
import { detectFaces } from '../../stages/detect'
import {
  checkMask,
  detectDamage,
  LAMA_FILE_CONTRACT,
  LAMA_MODEL_ID,
  readMask,
  repair,
  REPAIR_METHODS,
  writeMaskPng,
  type DamageMask,
  type DamageRegion,
  type RepairMethod
} from '../../stages/repair'
import { modelName, unit } from '../common-schemas'
import { defineFileJob } from '../types'

const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains NUL')

/**
 * Params of the repair file job (`heirloom repair`, a batch): the mask is detected ('auto') or read from `maskFile`
 * (a PNG, non-zero = damaged); files are named by `...File` keys, which the app's IPC never passes on.
 */
export const repairFileParams = z.strictObject({
  maskFile: filePath.optional(),
  /** A mask file of another size: 'exact' refuses it, 'stretch' resizes it. */
  maskFit: z.enum(['exact', 'stretch']).optional(),
  method: z.enum(REPAIR_METHODS),
  algorithm: z.enum(['telea', 'ns']).optional(),
  sensitivity: unit,
  force: z.boolean().optional(),
  /** Face detector protecting faces from the auto mask (default yunet). */
  detector: modelName.optional(),
  /** lama: a LaMa ONNX file instead of the installed one. */
  modelFile: filePath.optional(),
  /** Writes the mask used (255 = damaged) here. */
  saveMaskFile: filePath.optional()
})
export type RepairFileParams = z.infer<typeof repairFileParams>

export interface RepairFileReport {
  input: string
  output: string
  width: number
  height: number
  method: RepairMethod
  mask: { source: string; areaPercent: number; pixels: number }
  regions: DamageRegion[]
  /** Faces protected during detection; null when the mask came from a file or no detector was available. */
  faces: number | null
  changed: boolean
  notes: string[]
  timings: Record<string, number>
}

const round2 = (v: number): number => Math.round(v * 100) / 100
const roundBox = (b: DamageRegion['box']): DamageRegion['box'] => [
  round2(b[0]),
  round2(b[1]),
  round2(b[2]),
  round2(b[3])
]

async function facesFor(
  engine: Engine,
  p: RepairFileParams,
  img: RgbImage,
  notes: string[]
): Promise<Face[] | undefined> {
  try {
    return (await detectFaces(engine, img, { detector: p.detector, verify: 'never' })).faces
  } catch (err) {
    const e = toAppError(err)
    if (e.code !== 'MODEL_MISSING' && e.code !== 'DOWNLOAD_FAILED') throw err
    // Repair needs no model; without a detector faces are simply not given the stricter treatment. Said plainly.
    notes.push(`no face detector (${e.message}); faces were not protected from the automatic mask`)
    return undefined
  }
}

async function lamaSession(engine: Engine, p: RepairFileParams): Promise<ModelSession> {
  const m = p.modelFile
    ? await engine.openModel({ file: p.modelFile, kind: 'inpainter', family: 'lama', contract: LAMA_FILE_CONTRACT })
    : await engine.openModel({ id: LAMA_MODEL_ID })
  return m.session
}

/**
 * `heirloom repair` on one file, and a batch's repair: decode -> mask (auto or file) -> inpaint -> export. An empty
 * mask writes the input unchanged (byte for byte when the format stays). Never writes over the input.
 */
export const repairFileJob = defineFileJob({
  params: repairFileParams,
  async run(engine, io, p, ctx): Promise<RepairFileReport> {
    const t0 = performance.now()
    const notes: string[] = []
    const { input, output } = io
    const photo = await decodePhoto(input)
    const img = photo.image
    const tDecode = performance.now()
    let mask: DamageMask
    let regions: DamageRegion[] = []
    let faces: Face[] | undefined
    if (p.maskFile === undefined) {
      ctx.onProgress?.({ stage: 'detect' })
      faces = await facesFor(engine, p, img, notes)
      const det = await detectDamage(img, faces ?? [], { sensitivity: p.sensitivity, signal: ctx.signal })
      mask = det.mask
      regions = det.regions
    } else {
      mask = await readMask(p.maskFile, img, p.maskFit ?? 'exact')
    }
    const tMask = performance.now()
    const pixels = checkMask(img, mask, p.force)
    const overwrite = io.overwrite === true
    if (p.saveMaskFile) {
      await writeMaskPng(resolve(p.saveMaskFile), mask, { overwrite, protectedPaths: [input] })
    }
    const save = {
      overwrite,
      protectedPaths: [input],
      inputRoots: io.inputRoots,
      grayscale: photo.grayscale,
      alpha: photo.alpha,
      metadata: photo.metadata,
      ...(io.format ? { format: io.format } : {}),
      ...(io.quality !== undefined ? { quality: io.quality } : {})
    }
    let changed = false
    if (pixels === 0) {
      notes.push('nothing to repair: the mask is empty; the output equals the input')
      const same =
        !io.format && extname(input).toLowerCase() === extname(output).toLowerCase() && formatFromPath(output)
      if (same && resolve(input) !== resolve(output)) {
        await writeFileAtomic(output, await readFile(input), {
          overwrite,
          protectedPaths: [input],
          inputRoots: io.inputRoots
        })
      } else {
        await savePhoto(output, img, save)
      }
    } else {
      const session = p.method === 'lama' ? await lamaSession(engine, p) : undefined
      const r = await repair(img, mask, {
        method: p.method,
        algorithm: p.algorithm ?? 'telea',
        session,
        force: p.force,
        signal: ctx.signal
      })
      changed = r.changed
      await savePhoto(output, r.image, save)
    }
    const tEnd = performance.now()
    const timings = { decode: tDecode - t0, mask: tMask - tDecode, repair: tEnd - tMask, total: tEnd - t0 }
    return {
      input,
      output,
      width: img.width,
      height: img.height,
      method: p.method,
      mask: {
        source: p.maskFile ?? 'auto',
        areaPercent: Math.round((10000 * pixels) / (img.width * img.height)) / 100,
        pixels
      },
      regions: regions.map((r) => ({ ...r, box: roundBox(r.box) })),
      faces: faces ? faces.length : null,
      changed,
      notes,
      timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round2(v)]))
    }
  },
  summary: (r: RepairFileReport) => ({ faces: r.faces ?? 0 })
})
