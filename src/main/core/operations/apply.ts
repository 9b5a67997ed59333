import type { Engine } from '../engine'
import { HeirloomError } from '../errors'
import type { EditSession } from '../pipeline/edit-session'
import type { FaceOperation } from '../pipeline/face-operation'
import type { PhotoOperation } from '../pipeline/photo-operation'
import type { SessionEdit } from './types'

type Params = Record<string, unknown>

/**
 * The usual `apply` of a per-face operation: NO_FACE without faces, else `open` the models and run the result on the
 * chosen faces as one history step `{ op, faces, params }`.
 */
export function applyPerFace<P extends Params>(
  open: (engine: Engine, params: P) => Promise<FaceOperation> | FaceOperation
): (engine: Engine, session: EditSession, params: P, edit: SessionEdit) => Promise<void> {
  return async (engine, session, params, edit) => {
    if (session.faces.length === 0) throw new HeirloomError('NO_FACE', 'There is no face to edit in this photo.')
    await session.applyOperation(await open(engine, params), edit, params)
  }
}

/**
 * The usual `apply` of a per-photo operation: `open` the models and run the result on the current base as one history
 * step; its image becomes the new base under the face layers.
 */
export function applyPerPhoto<P extends Params>(
  open: (engine: Engine, params: P) => Promise<PhotoOperation> | PhotoOperation
): (engine: Engine, session: EditSession, params: P, edit: SessionEdit) => Promise<void> {
  return async (engine, session, params, edit) => {
    await session.applyPhotoOperation(
      await open(engine, params),
      { signal: edit.signal, onProgress: edit.onProgress },
      params
    )
  }
}
