import { randomUUID } from 'node:crypto'
import { decodePhoto } from '../../core/image/decode'
import { EditSession } from '../../core/pipeline/edit-session'
import { OpenPhoto } from '../session-render'
import type { Handler } from './types'

/** Decodes a photo and starts an edit session on it (with the faces it had, after a worker restart). */
export const open: Handler<'open'> = {
  queued: true,
  async run(p, { state, progress }) {
    progress?.({ stage: 'decode' })
    const photo = await decodePhoto(p.input)
    const sessionId = randomUUID()
    state.photos.set(sessionId, new OpenPhoto(new EditSession({ ...photo, sourcePath: p.input }, p.faces ?? [])))
    return state.measuredInfo(sessionId)
  }
}
