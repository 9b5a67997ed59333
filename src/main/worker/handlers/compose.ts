import { ownedImage } from '../protocol'
import type { Handler } from './types'

/** The composed image at the session's output scale (or `scale`, which then becomes the session's). */
export const compose: Handler<'compose'> = {
  queued: true,
  async run(p, { state, signal, progress }) {
    const open = state.photo(p.sessionId)
    await state.outputScale(open.session, p.scale, p.bgUpscaler, signal, progress)
    progress?.({ stage: 'compose' })
    const img = open.composed()
    // The cached composition (or the original itself) stays here; the copy is what moves.
    return { image: ownedImage({ ...img, data: img.data.slice() }) }
  }
}
