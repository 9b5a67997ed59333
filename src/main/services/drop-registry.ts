import { randomBytes } from 'node:crypto'
import { HeirloomError } from '../core/errors'

/** How long a dropped item may be opened after the drop. */
const TTL_MS = 10 * 60 * 1000
/** Bounds the map if a renderer floods registrations. */
const MAX_LIVE = 4096

/**
 * Main-side tokens for dropped items. The preload registers the paths of a trusted drop event (webUtils resolves
 * them; page script cannot) and gets one opaque token per item; openDroppedPhoto/openDroppedFolder take a token, never
 * a path, and each token opens its item once. An unknown token is FORBIDDEN whatever it names, so the answer reveals
 * nothing about which files exist.
 */
export class DropRegistry {
  private readonly live = new Map<string, { path: string; expires: number }>()

  constructor(private readonly now: () => number = Date.now) {}

  register(paths: readonly string[]): string[] {
    const t = this.now()
    for (const [k, v] of this.live) if (v.expires <= t) this.live.delete(k)
    while (this.live.size + paths.length > MAX_LIVE) {
      const oldest = this.live.keys().next().value
      if (oldest === undefined) break
      this.live.delete(oldest)
    }
    return paths.map((path) => {
      const token = `d${randomBytes(16).toString('hex')}`
      this.live.set(token, { path, expires: t + TTL_MS })
      return token
    })
  }

  /** The dropped item's path; the token is used up. */
  take(token: string): string {
    const entry = this.live.get(token)
    this.live.delete(token)
    if (!entry || entry.expires <= this.now()) {
      throw new HeirloomError(
        'FORBIDDEN',
        'Only an item dropped on the window (or chosen in a dialog) can be opened, once; drop it again.'
      )
    }
    return entry.path
  }
}
