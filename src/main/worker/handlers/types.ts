import type { RequestPayload, RequestType, ResponseValue } from '../protocol'
import type { Progress, WorkerState } from '../worker-state'

export interface HandlerContext {
  state: WorkerState
  signal?: AbortSignal
  progress?: Progress
}

/** One worker request type's handler; its payload was already checked against the request's schema. */
export interface Handler<K extends RequestType> {
  /**
   * Runs models or heavy pixel work: one at a time in submission order. The others only touch session state
   * (immutable steps) or encode a preview, so they answer at once even while a job runs.
   */
  queued: boolean
  run(payload: RequestPayload<K>, ctx: HandlerContext): Promise<ResponseValue<K>> | ResponseValue<K>
}

export type HandlerMap = { [K in RequestType]: Handler<K> }
