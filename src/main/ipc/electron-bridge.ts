import type { IpcMain, WebContents } from 'electron'
import { type EventChannel, type EventContract, eventChannelName, invokeChannelName } from '../../shared/ipc/channels'
import type { Dispatcher } from './dispatch'

/** The only place raw ipcMain is used: every channel goes through the validating dispatcher. */
export function registerIpc(ipcMain: IpcMain, dispatcher: Dispatcher): void {
  for (const channel of dispatcher.channels) {
    ipcMain.handle(invokeChannelName(channel), (event, payload: unknown) =>
      dispatcher.dispatch(channel, payload, {
        url: event.senderFrame?.url ?? '',
        isMainFrame: event.senderFrame !== null && event.senderFrame === event.sender.mainFrame
      })
    )
  }
}

export function sendEvent<E extends EventChannel>(target: WebContents, event: E, payload: EventContract[E]): void {
  if (!target.isDestroyed()) target.send(eventChannelName(event), payload)
}
