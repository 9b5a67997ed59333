import { nms } from '../../geometry/boxes'
import { resizeRgb } from '../../image/resize'
import type { RgbImage } from '../../image/types'
import type { ModelSession } from '../../runtime/types'
import { HeirloomError } from '../../errors'
import { firstInputName, fixedInputSize } from './input-size'
import { packTensor } from './pack'
import { addTiming } from './timing'
import type { DetectorFamily, FamilyRunOptions, RawDetection } from './types'
import { decodeUltraface } from './ultraface-decode'

/** UltraFace RFB-320: stretch-resized to its fixed input, RGB, (x-127)/128; boxes only (landmarks come from FaceMesh). */
export const ultrafaceFamily: DetectorFamily = {
  family: 'ultraface',
  hasLandmarks: false,
  defaultMinScore: 0.7,
  tileSide: () => 640,
  firstPassSide: () => undefined,
  async detect(session: ModelSession, img: RgbImage, opts: FamilyRunOptions): Promise<RawDetection[]> {
    let t = performance.now()
    const size = fixedInputSize(session)
    if (!size) throw new HeirloomError('MODEL_CONTRACT', 'UltraFace model must have a fixed [1,3,H,W] input.')
    const src = await resizeRgb(img, size.width, size.height, 'linear')
    const data = packTensor(src, size.width, size.height, { channels: 'RGB', mean: [127, 127, 127], scale: 1 / 128 })
    t = addTiming(opts.timings, 'preprocess', t)
    const input = { type: 'float32' as const, data, dims: [1, 3, size.height, size.width] }
    const out = await session.run({ [firstInputName(session, 'UltraFace')]: input }, { signal: opts.signal })
    t = addTiming(opts.timings, 'run', t)
    const found = nms(decodeUltraface(out, img.width, img.height, opts.minScore), opts.nmsIou)
    addTiming(opts.timings, 'postprocess', t)
    return found
  }
}
