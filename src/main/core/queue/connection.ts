import { Redis } from 'ioredis'
import { HeirloomError } from '../errors'
import type { RedisTarget } from './redis-url'

/** Connection options for BullMQ: commands wait through Redis restarts instead of failing (workers reconnect). */
export function bullConnection(target: RedisTarget): { url: string; maxRetriesPerRequest: null } {
  return { url: target.url, maxRetriesPerRequest: null }
}

/**
 * Fails fast, in one line, when Redis cannot be reached: BullMQ itself would wait forever for a server, which is
 * right for a worker riding out a restart but not for `queue add` typed at a prompt.
 */
export async function assertRedisReachable(target: RedisTarget, timeoutMs = 5000): Promise<void> {
  const client = new Redis(target.url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false
  })
  let cause: Error | undefined
  client.on('error', (e: Error) => (cause ??= e))
  try {
    await client.connect()
    await client.ping()
  } catch (err) {
    const first = cause ?? err
    const why = first instanceof Error ? first.message.split('\n')[0] : String(first)
    throw new HeirloomError('QUEUE_UNAVAILABLE', `Cannot reach Redis at ${target.shown} (${why}).`)
  } finally {
    client.disconnect()
  }
}
