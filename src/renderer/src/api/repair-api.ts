import type { HeirloomApi } from '../../../shared/ipc/api'
import type { IpcResult } from '../../../shared/ipc/channels'
import type { EditState } from '../../../shared/ipc/types'

/**
 * The calls the Repair section and the mask editor make to main, all on the typed IPC contract (src/shared/ipc):
 * `detectDamage` (a detection on the photo as edited so far), `applyOperation` with the registry's `repair`
 * operation (one history step that keeps its mask), and `repairMask` (the mask of the repair step at the history
 * cursor, so undo / redo / a history jump show it again).
 *
 * Mask convention everywhere: a PNG of the photo's own size (the original, before any output scale), non-zero =
 * damaged, the same as the CLI's --mask / --save-mask (core: stages/repair readMask / encodeMaskPng).
 */
export type {
  DamageDetection as DetectDamageReply,
  DamageRegionInfo,
  DetectDamageRequest,
  RepairMaskImage as RepairMaskReply
} from '../../../shared/ipc/types'

export type RepairMethod = 'classic' | 'lama'

/** The repair operation's params (core: operations/repair repairParams, which main and the worker check). */
export interface RepairParams {
  method: RepairMethod
  /** The user's mask (PNG bytes, photo size) or 'auto' (main detects with `sensitivity`). */
  mask: Uint8Array | 'auto'
  sensitivity: number
  /** Repair even when the mask covers more than 60 % of the photo (core MAX_MASK_SHARE). */
  force?: boolean
}

/** Through the operation registry: one history step "Repair", its params (the mask included) kept in the history. */
export interface ApplyRepairRequest {
  photoId: string
  /** Minted by the renderer (newJobId) so Cancel works before the call returns; progress comes on onJobProgress. */
  jobId: string
  op: 'repair'
  params: RepairParams
}

export interface RepairApi extends Pick<HeirloomApi, 'detectDamage' | 'repairMask'> {
  applyOperation(req: ApplyRepairRequest): Promise<IpcResult<EditState>>
}

/** window.api, seen through the repair calls (its contract type is checked against RepairApi here). */
export function getRepairApi(): RepairApi {
  // globalThis, not window: this file also type-checks in the Node test program (no DOM there).
  const api: RepairApi = (globalThis as unknown as { api: HeirloomApi }).api
  return api
}
