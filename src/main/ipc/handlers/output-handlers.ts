import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { HandlerMap } from '../dispatch'
import type { AppServices } from '../services'
import { HeirloomError } from '../../core/errors'
import { exportPhoto } from '../../services/export-service'

type OutputChannels =
  | 'exportPhoto'
  | 'chooseBatchInput'
  | 'chooseOutputFolder'
  | 'openDroppedFolder'
  | 'runBatch'
  | 'pauseBatch'
  | 'openOutputFolder'
  | 'getSettings'
  | 'updateSettings'

/** Export, batch and settings. Folders are chosen with dialogs and remembered in main, never sent as paths. */
export function outputHandlers(s: AppServices): Pick<HandlerMap, OutputChannels> {
  return {
    exportPhoto: (o) => exportPhoto(o, s),
    chooseBatchInput: async ({ recursive }) => {
      const folder = await s.dialogs.chooseFolder({ purpose: 'batch-input' })
      if (folder === null) return null
      s.state.batchInput = folder
      return s.batch.describeInput(folder, recursive)
    },
    openDroppedFolder: async ({ token, recursive }) => {
      const path = s.drops.take(token)
      const st = await stat(path).catch(() => undefined)
      if (!st?.isDirectory()) throw new HeirloomError('UNSUPPORTED', `"${basename(path)}" is not a folder.`)
      s.state.batchInput = path
      return s.batch.describeInput(path, recursive)
    },
    chooseOutputFolder: async () => {
      const folder = await s.dialogs.chooseFolder({ purpose: 'output', defaultPath: s.settings.get().outputFolder })
      if (folder === null) return null
      await s.settings.update({ outputFolder: folder })
      return s.batch.describeOutput(folder)
    },
    runBatch: (req) => s.batch.run(req),
    pauseBatch: ({ jobId, paused }) => {
      s.batch.setPaused(jobId, paused)
      return Promise.resolve()
    },
    openOutputFolder: async () => {
      const folder = s.settings.get().outputFolder
      if (!folder) throw new HeirloomError('NOT_FOUND', 'No output folder has been chosen yet.')
      await s.shell.openFolder(folder)
    },
    getSettings: () => {
      // The remembered output folder may hold the journal of a batch the app was closed (or crashed) during.
      const view = s.settings.view()
      const resumable = view.outputFolder ? s.batch.describeOutput(view.outputFolder).resumable : undefined
      return Promise.resolve(resumable ? { ...view, outputResumable: resumable } : view)
    },
    updateSettings: async (patch) => {
      const view = await s.settings.update(patch)
      if (patch.provider !== undefined) await s.setProvider(patch.provider)
      if (patch.contentCredentials !== undefined || patch.ownerName !== undefined) await s.applyCredentials()
      return view
    }
  }
}
