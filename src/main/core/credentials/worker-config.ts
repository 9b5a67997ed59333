import type { ModelStore } from '../models/store'
import { configureCredentials } from './embed'
import { modelLookupFor } from './model-facts'

/** Serialisable credentials settings (worker init, CLI flags, app settings). */
export interface CredentialsSettings {
  enabled: boolean
  dir: string
  owner?: string
}

/** Applies credentials settings to this thread's exports, with model facts from `store`. */
export function applyCredentials(c: CredentialsSettings | undefined, store: ModelStore): void {
  configureCredentials(c ? { ...c, models: modelLookupFor(store) } : undefined)
}
