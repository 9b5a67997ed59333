import { runtimeInfo as info } from '../../core/runtime/ort-adapter'
import type { Handler } from './types'

/** The provider the last model session actually got. */
export const runtimeInfo: Handler<'runtimeInfo'> = {
  queued: false,
  run() {
    const last = info().lastProvider
    return last ? { lastProvider: last } : {}
  }
}
