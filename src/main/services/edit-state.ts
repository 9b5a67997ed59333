import type { EditState } from '../../shared/ipc/types'
import type { SessionInfo } from '../worker/protocol'

/**
 * The renderer's view of an edit session: the worker's session info as it came (faces, layers with their own opaque
 * ids, structured history with labels derived in core), plus the photo id and main's revision counter.
 */
export function editStateOf(photoId: string, session: SessionInfo, revision: number): EditState {
  return {
    photoId,
    faces: session.faces,
    rotation: session.rotation,
    layers: session.layers.map((l) => ({
      id: l.id,
      op: l.op,
      faceIndex: l.faceIndex,
      model: l.model,
      strength: l.strength,
      enabled: l.enabled,
      params: l.params
    })),
    photoLayers: session.photoLayers.map((p) => ({ id: p.id, op: p.op, model: p.model, params: p.params })),
    history: session.history.map((h) => ({ label: h.label, op: h.op, faces: h.faces, params: h.params })),
    cursor: session.cursor,
    revision,
    outputScale: session.outputScale,
    grayscale: session.grayscale,
    ...(session.faceInfo ? { faceInfo: session.faceInfo.map((f) => ({ ...f })) } : {})
  }
}
