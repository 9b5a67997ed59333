import type { HandlerMap } from '../dispatch'
import type { AppServices } from '../services'
import { ageRouteInfos } from '../../services/age-routes'

type EditChannels =
  | 'detectFaces'
  | 'getEditState'
  | 'addFaceBox'
  | 'deleteFace'
  | 'restoreFaces'
  | 'ageFaces'
  | 'listAgeRoutes'
  | 'setLayerStrength'
  | 'setLayerEnabled'
  | 'undo'
  | 'redo'
  | 'gotoStep'
  | 'cancelJob'
  | 'applyOperation'
  | 'detectDamage'
  | 'repairMask'

/** Faces, model edits, layer re-blends and history: thin calls into the edit service. */
export function editHandlers(s: AppServices): Pick<HandlerMap, EditChannels> {
  return {
    detectFaces: ({ photoId, detector, minScore }) => s.edits.detect(photoId, { detector, minScore }),
    getEditState: ({ photoId }) => s.edits.getState(photoId),
    addFaceBox: ({ photoId, box }) => s.edits.addFaceBox(photoId, box),
    deleteFace: ({ photoId, index }) => s.edits.deleteFace(photoId, index),
    restoreFaces: (req) => s.edits.restore(req),
    ageFaces: (req) => s.edits.age(req),
    listAgeRoutes: () => Promise.resolve(ageRouteInfos(s.store)),
    setLayerStrength: ({ photoId, layerIds, strength }) => s.edits.setStrength(photoId, layerIds, strength),
    setLayerEnabled: ({ photoId, layerId, enabled }) => s.edits.setEnabled(photoId, layerId, enabled),
    undo: ({ photoId }) => s.edits.undo(photoId),
    redo: ({ photoId }) => s.edits.redo(photoId),
    gotoStep: ({ photoId, index }) => s.edits.gotoStep(photoId, index),
    cancelJob: ({ jobId }) => {
      s.jobs.cancel(jobId)
      return Promise.resolve()
    },
    applyOperation: (req) => s.edits.apply(req),
    detectDamage: ({ photoId, sensitivity }) => s.edits.detectDamage(photoId, sensitivity),
    repairMask: ({ photoId }) => s.edits.repairMask(photoId)
  }
}
