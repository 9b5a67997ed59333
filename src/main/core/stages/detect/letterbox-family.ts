import { nms } from '../../geometry/boxes'
import { resizeRgb } from '../../image/resize'
import type { RgbImage } from '../../image/types'
import type { ModelSession, TensorData } from '../../runtime/types'
import { firstInputName, fixedInputSize } from './input-size'
import { letterboxDynamic, letterboxFixed, unscaleDetection } from './letterbox'
import { packTensor, type PackOptions } from './pack'
import { addTiming } from './timing'
import type { DetectorFamily, FamilyRunOptions, RawDetection } from './types'

/** What differs between letterboxing detector families with five-point landmarks (YuNet, SCRFD). */
export interface LetterboxFamilySpec {
  family: DetectorFamily['family']
  /** Model name used in contract errors. */
  label: string
  defaultMinScore: number
  /** Tile side for dynamic-input models (fixed ones use their input width). */
  dynamicTileSide: number
  pack: PackOptions
  /** Decodes raw outputs into detections in input-tensor pixels (no NMS). */
  decode(
    outputs: Readonly<Record<string, TensorData>>,
    inputW: number,
    inputH: number,
    minScore: number
  ): RawDetection[]
}

/**
 * A family that scales the photo into the model input (fixed size, or padded to a multiple of 32 when dynamic),
 * packs it top-left, decodes, runs NMS and maps detections back to the photo's pixels.
 */
export function letterboxFamily(spec: LetterboxFamilySpec): DetectorFamily {
  return {
    family: spec.family,
    hasLandmarks: true,
    defaultMinScore: spec.defaultMinScore,
    tileSide: (session) => fixedInputSize(session)?.width ?? spec.dynamicTileSide,
    firstPassSide: (session) => {
      const f = fixedInputSize(session)
      return f ? Math.max(f.width, f.height) : undefined
    },
    async detect(session: ModelSession, img: RgbImage, opts: FamilyRunOptions): Promise<RawDetection[]> {
      let t = performance.now()
      const fixed = fixedInputSize(session)
      const lb = fixed
        ? letterboxFixed(img.width, img.height, fixed.width, fixed.height)
        : letterboxDynamic(img.width, img.height, 32)
      const src =
        lb.width === img.width && lb.height === img.height ? img : await resizeRgb(img, lb.width, lb.height, 'linear')
      const data = packTensor(src, lb.inputWidth, lb.inputHeight, spec.pack)
      t = addTiming(opts.timings, 'preprocess', t)
      const input = { type: 'float32' as const, data, dims: [1, 3, lb.inputHeight, lb.inputWidth] }
      const out = await session.run({ [firstInputName(session, spec.label)]: input }, { signal: opts.signal })
      t = addTiming(opts.timings, 'run', t)
      const found = nms(spec.decode(out, lb.inputWidth, lb.inputHeight, opts.minScore), opts.nmsIou).map((d) =>
        unscaleDetection(d, lb.width / img.width, lb.height / img.height)
      )
      addTiming(opts.timings, 'postprocess', t)
      return found
    }
  }
}
