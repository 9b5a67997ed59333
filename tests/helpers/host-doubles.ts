import type { HostDialogs, HostShell } from '../../src/main/services/host'

/**
 * Dialogs that answer like a user who cancels, except save and model-file dialogs answered (in order) from
 * `saveAnswers` and `modelFileAnswers`; calls recorded.
 */
export function scriptedDialogs(
  calls: string[] = [],
  saveAnswers: (string | null)[] = [],
  modelFileAnswers: (string | null)[] = []
): HostDialogs {
  const answer = (name: string, value: string | null = null): Promise<string | null> => {
    calls.push(name)
    return Promise.resolve(value)
  }
  return {
    chooseImage: () => answer('chooseImage'),
    saveFile: () => answer('saveFile', saveAnswers.shift() ?? null),
    chooseFolder: () => answer('chooseFolder'),
    chooseModelFile: () => answer('chooseModelFile', modelFileAnswers.shift() ?? null)
  }
}

/** A shell that only records which folders it was asked to open. */
export function recordingShell(opened: string[] = []): HostShell {
  return {
    openFolder: (path) => {
      opened.push(path)
      return Promise.resolve()
    }
  }
}
