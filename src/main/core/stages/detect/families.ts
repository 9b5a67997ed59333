import type { ModelFamily } from '../../../../shared/model-manifest'
import { HeirloomError } from '../../errors'
import { scrfdFamily } from './scrfd'
import type { DetectorFamily } from './types'
import { ultrafaceFamily } from './ultraface'
import { yunetFamily } from './yunet'

const FAMILIES: Partial<Record<ModelFamily, DetectorFamily>> = {
  yunet: yunetFamily,
  scrfd: scrfdFamily,
  ultraface: ultrafaceFamily
}

export function detectorFamily(family: ModelFamily, label: string): DetectorFamily {
  const f = FAMILIES[family]
  if (!f)
    throw new HeirloomError(
      'UNSUPPORTED',
      `Model "${label}" (family ${family}) is not a face detector Heirloom can run.`
    )
  return f
}
