import type { OutputFormat } from '../core/image/encode'

/** What the OS shell provides (Electron dialogs in the app; scripted answers in tests). */
export interface HostDialogs {
  chooseImage(): Promise<string | null>
  /** Save dialog; `defaultPath` is a suggested full path (folder + name). Returns the chosen path or null. */
  saveFile(opts: { defaultPath: string; format: OutputFormat }): Promise<string | null>
  chooseFolder(opts: { purpose: 'batch-input' | 'output'; defaultPath?: string }): Promise<string | null>
  chooseModelFile(): Promise<string | null>
}

/** Shell actions with side effects outside the app window. */
export interface HostShell {
  openFolder(path: string): Promise<void>
}
