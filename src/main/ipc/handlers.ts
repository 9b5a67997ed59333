import { APP_NAME, APP_VERSION } from '../../shared/version'
import type { AppInfo } from '../../shared/ipc/types'
import type { AppServices } from './services'
import type { HandlerMap } from './dispatch'
import { credentialsHandlers } from './handlers/credentials-handlers'
import { editHandlers } from './handlers/edit-handlers'
import { modelHandlers } from './handlers/model-handlers'
import { outputHandlers } from './handlers/output-handlers'
import { photoHandlers } from './handlers/photo-handlers'
import { queueHandlers } from './handlers/queue-handlers'

export type { HostDialogs, HostShell } from '../services/host'
export type { AppServices } from './services'

/**
 * Thin handlers: the dispatcher has parsed the payload with the channel's schema; each one calls a service and
 * returns data. The HandlerMap type makes a missing channel, a wrong request field or a wrong response a compile error.
 */
export function createHandlers(s: AppServices): HandlerMap {
  return {
    appInfo: () =>
      Promise.resolve<AppInfo>({
        name: APP_NAME,
        version: APP_VERSION,
        platform: process.platform,
        electron: s.electronVersion,
        node: process.versions.node,
        modelsDir: s.modelsDir
      }),
    ...photoHandlers(s),
    ...editHandlers(s),
    ...modelHandlers(s),
    ...outputHandlers(s),
    ...credentialsHandlers(s),
    ...queueHandlers()
  }
}
