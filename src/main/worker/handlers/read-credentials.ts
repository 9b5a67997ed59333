import { readCredentialsFile } from '../../core/credentials/read'
import type { Handler } from './types'

export const readCredentials: Handler<'readCredentials'> = {
  queued: true,
  run: (p) => readCredentialsFile(p.path)
}
