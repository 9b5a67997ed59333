import { HeirloomError } from '../errors'

/** A Redis URL checked for shape; `shown` is what may be printed (never the password). */
export interface RedisTarget {
  url: string
  shown: string
}

export function parseRedisUrl(raw: string): RedisTarget {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new HeirloomError(
      'INVALID_REQUEST',
      'The Redis server address is not a URL; use redis://[user:password@]host:port[/db].'
    )
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `The Redis server address needs redis:// or rediss://, not ${u.protocol}//.`
    )
  }
  return { url: raw, shown: redactUrl(raw) }
}

/** The URL with any password replaced, for messages and logs. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparsable URL)'
  }
}
