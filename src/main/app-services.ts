import { createEngine } from './core/engine'
import type { EventChannel, EventContract } from '../shared/ipc/channels'
import { createDispatcher, type Dispatcher } from './ipc/dispatch'
import { createHandlers, type HostDialogs } from './ipc/handlers'
import { PhotoLibrary } from './services/photo-library'

export type EmitEvent = <E extends EventChannel>(event: E, payload: EventContract[E]) => void

export interface AppServicesOptions {
  modelsDir: string
  dialogs: HostDialogs
  isTrustedSender: (url: string) => boolean
  emit: EmitEvent
  electronVersion?: string
  autoDownload?: boolean
  onInternalError?: (channel: string, err: unknown) => void
}

export interface AppRuntime {
  dispatcher: Dispatcher
  dispose(): Promise<void>
}

/**
 * Builds the main-process services and the validating IPC dispatcher without touching Electron, so the app,
 * the Chromium e2e bridge and the IPC fuzz tests all exercise the same handlers.
 */
export function createAppRuntime(o: AppServicesOptions): AppRuntime {
  const library = new PhotoLibrary()
  const engine = createEngine({ modelsDir: o.modelsDir, provider: 'auto', autoDownload: o.autoDownload ?? false })
  const handlers = createHandlers({
    library,
    engine,
    dialogs: o.dialogs,
    modelsDir: o.modelsDir,
    electronVersion: o.electronVersion
  })
  const dispatcher = createDispatcher(handlers, {
    isTrustedSender: (sender) => o.isTrustedSender(sender.url),
    onInternalError: o.onInternalError
  })
  return { dispatcher, dispose: () => engine.dispose() }
}
