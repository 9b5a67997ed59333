import type { HandlerMap } from '../dispatch'
import type { AppServices } from '../services'

type ModelChannels = 'listModels' | 'downloadModel' | 'importModel' | 'verifyModel' | 'inspectModel' | 'removeModel'

export function modelHandlers(s: AppServices): Pick<HandlerMap, ModelChannels> {
  return {
    listModels: () => s.models.overview(),
    downloadModel: ({ id, jobId, acceptLicense }) => s.models.download(id, jobId, acceptLicense),
    importModel: ({ id }) => s.models.importFromDialog(id),
    verifyModel: async ({ id }) => ({ id, ok: await s.models.verify(id) }),
    inspectModel: ({ id }) => s.models.inspect(id),
    removeModel: ({ id }) => s.models.remove(id)
  }
}
