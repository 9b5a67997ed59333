import type { HandlerMap } from '../dispatch'
import type { AppServices } from '../services'

/** Content Credentials of an opened photo: main keeps its path; the worker reads (hashes) the file off main's loop. */
export function credentialsHandlers(s: AppServices): Pick<HandlerMap, 'getCredentials'> {
  return {
    getCredentials: ({ photoId }) => s.worker.call('readCredentials', { path: s.library.get(photoId).path })
  }
}
