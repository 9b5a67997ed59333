import { nms } from '../../geometry/boxes'
import { resizeRgb } from '../../image/resize'
import type { RgbImage } from '../../image/types'
import type { ModelSession } from '../../runtime/types'
import { firstInputName, fixedInputSize } from './input-size'
import { letterboxDynamic, letterboxFixed, unscaleDetection } from './letterbox'
import { packTensor } from './pack'
import { addTiming } from './timing'
import type { DetectorFamily, FamilyRunOptions, RawDetection } from './types'
import { decodeYunet } from './yunet-decode'

/** YuNet: BGR 0..255, no normalisation, padded right/bottom with zeros; dynamic models take multiples of 32. */
export const yunetFamily: DetectorFamily = {
  family: 'yunet',
  hasLandmarks: true,
  defaultMinScore: 0.6,
  tileSide: (session) => fixedInputSize(session)?.width ?? 960,
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
    const data = packTensor(src, lb.inputWidth, lb.inputHeight, { channels: 'BGR', mean: [0, 0, 0], scale: 1 })
    t = addTiming(opts.timings, 'preprocess', t)
    const input = { type: 'float32' as const, data, dims: [1, 3, lb.inputHeight, lb.inputWidth] }
    const out = await session.run({ [firstInputName(session, 'YuNet')]: input }, { signal: opts.signal })
    t = addTiming(opts.timings, 'run', t)
    const found = nms(decodeYunet(out, lb.inputWidth, lb.inputHeight, opts.minScore), opts.nmsIou).map((d) =>
      unscaleDetection(d, lb.width / img.width, lb.height / img.height)
    )
    addTiming(opts.timings, 'postprocess', t)
    return found
  }
}
