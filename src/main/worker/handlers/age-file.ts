import { age } from '../../core/operations/age'
import type { Handler } from './types'

/** `heirloom age` on one file, through the age operation's file job. */
export const ageFile: Handler<'ageFile'> = {
  queued: true,
  run: (p, { state, signal, progress }) =>
    age.fileJob(state.engine, p.input, p.output, p.spec, { ...p.options, signal, onProgress: progress })
}
