import type { IpcResult } from '../../../shared/ipc/channels'
import type { EditState } from '../../../shared/ipc/types'

/**
 * The calls the Repair section and the mask editor need from main. They are not in the IPC contract yet: the repair
 * operation is wired through the operation registry separately. Wiring = the channel names in
 * src/shared/ipc/channel-names.ts, their schemas in ./schemas and responses in ResponseContract (./channels), and the
 * handlers in src/main/ipc/handlers; window.api gains them by itself (createApi), and getRepairApi() finds them with
 * no change here. Once HeirloomApi declares them, replace its body with `return window.api` so the shapes are
 * checked against this interface at compile time.
 *
 * Mask convention everywhere: a PNG of the photo's own size (the original, before any output scale), non-zero =
 * damaged, the same as the CLI's --mask / --save-mask (core: stages/repair readMask / writeMaskPng).
 */

/** One connected piece of the detected mask (core DamageRegion), image pixels [x, y, w, h]. */
export interface DamageRegionInfo {
  kind: 'scratch' | 'dust' | 'tear'
  box: [number, number, number, number]
  area: number
}

export interface DetectDamageRequest {
  photoId: string
  /** 0 (only obvious damage) .. 1 (everything that might be damage). */
  sensitivity: number
}

export interface DetectDamageReply {
  /** PNG bytes, width x height = the photo's size. */
  mask: Uint8Array
  width: number
  height: number
  areaPercent: number
  regions: DamageRegionInfo[]
}

export type RepairMethod = 'classic' | 'lama'

export interface RepairParams {
  method: RepairMethod
  /** The user's mask (PNG bytes, photo size) or 'auto' (main detects with `sensitivity`). */
  mask: Uint8Array | 'auto'
  sensitivity: number
  /** Repair even when the mask covers more than 60 % of the photo (core MAX_MASK_SHARE). */
  force?: boolean
}

/** Through the operation registry: one history step "Repair", its params (the mask included) kept in the recipe. */
export interface ApplyRepairRequest {
  photoId: string
  /** Minted by the renderer (newJobId) so Cancel works before the call returns; progress comes on onJobProgress. */
  jobId: string
  op: 'repair'
  params: RepairParams
}

export interface RepairMaskReply {
  mask: Uint8Array
  width: number
  height: number
}

export interface RepairApi {
  detectDamage(req: DetectDamageRequest): Promise<IpcResult<DetectDamageReply>>
  applyOperation(req: ApplyRepairRequest): Promise<IpcResult<EditState>>
  /**
   * The mask the repair step at the history cursor used (null when that step has no repair). Optional: when main
   * offers it, the editor shows the step's mask again after undo / redo / a history jump.
   */
  repairMask?(req: { photoId: string }): Promise<IpcResult<RepairMaskReply | null>>
}

/** Tests and the wiring engineer may set the implementation explicitly; otherwise window.api is looked at. */
let override: RepairApi | null | undefined

export function setRepairApi(api: RepairApi | null | undefined): void {
  override = api
}

/** The repair calls when main offers them, else null (the section says so and keeps painting available). */
export function getRepairApi(): RepairApi | null {
  if (override !== undefined) return override
  // globalThis, not window: this file also type-checks in the Node test program (no DOM there).
  const api = (globalThis as { api?: Partial<RepairApi> }).api
  return api && typeof api.detectDamage === 'function' && typeof api.applyOperation === 'function'
    ? (api as RepairApi)
    : null
}
